package io.testline.agent.journal;

import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.Payload;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The station's store-and-forward journal: one SQLite file in WAL mode with {@code synchronous=FULL}, so an event
 * is on disk (fsynced) when {@link #append} returns, before anyone publishes it. An event leaves the journal only
 * through {@link #delete}, after the broker's PUBACK.
 *
 * <p>All writes go through one writer thread that commits whatever is queued in one transaction (group commit):
 * concurrent writers share an fsync, and the writer assigns each event its {@code seq}, so the journal's order
 * (ascending id, the publish order) is the order of {@code seq}. The next seq of each agent session is persisted with
 * the events. Reads use a second connection; WAL lets them run beside the writer.
 *
 * <p>The bound ({@code maxBytes}) is on bytes of unacknowledged events. At {@code alarmPercent} of it the alarm is
 * raised; at the bound, or when the disk has less than {@code minFreeDisk} free, {@link #admission()} refuses new
 * runs. A run already going keeps journaling past the bound: refusing its events would lose them.
 *
 * <p>With {@code keepRunsUntilConfirmed}, a PUBACK only marks a run's events sent: they stay until the pipeline
 * confirms the run ({@link #confirm}, on its shopfloor verdict), and {@link #requeueUnconfirmed} sends a run again
 * when no confirmation came in time. A broker can acknowledge a message and still drop it (one that lost the
 * bridge's shared subscription in a restart does); only the end of the pipeline can say it arrived. Station events
 * (birth, heartbeat, goodbye), which have no verdict, and the events of a confirmed run then stay for a while
 * ({@link #pruneSent}), so that when the bridge finds a sequence gap and asks for those seqs ({@link #requeueSeqs})
 * they can be sent again.
 */
public final class Journal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Journal.class);
  /** Per-row overhead counted against the bound besides the payload: ids, topic, index entries. */
  static final int ROW_OVERHEAD_BYTES = 96;
  private static final int MAX_BATCH = 512;

  private final Path file;
  private final String stationId;
  private final UUID agentSession;
  private final long maxBytes;
  private final int alarmPercent;
  private final long minFreeDisk;
  private final FreeSpaceProbe freeSpace;
  private final Clock clock;
  private final boolean keepRunsUntilConfirmed;
  private final Connection writeConnection;
  private final Connection readConnection;
  private final BlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean alarmRaised = new AtomicBoolean();
  private long nextSeq;
  private volatile long approxBytes;

  /** One unit of work for the writer thread, run inside its batch transaction. */
  @FunctionalInterface
  private interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  private record Op<T>(Work<T> work, CompletableFuture<T> done) {}

  Journal(JournalBuilder b) throws SQLException, IOException {
    this.file = b.file;
    this.stationId = b.stationId;
    this.agentSession = b.agentSession;
    this.maxBytes = b.maxBytes;
    this.alarmPercent = b.alarmPercent;
    this.minFreeDisk = b.minFreeDisk;
    this.freeSpace = b.freeSpace;
    this.clock = b.clock;
    this.keepRunsUntilConfirmed = b.keepRunsUntilConfirmed;
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    this.writeConnection = JournalSchema.connect(file);
    try {
      JournalSchema.migrate(writeConnection);
      this.readConnection = JournalSchema.connect(file);
    } catch (SQLException e) {
      writeConnection.close();
      throw e;
    }
    this.approxBytes = queryStats().bytes();
    this.nextSeq = 0;
    try (PreparedStatement ps = writeConnection.prepareStatement(
        "INSERT OR IGNORE INTO sessions(session, started_ms, next_seq) VALUES (?, ?, 0)")) {
      ps.setString(1, agentSession.toString());
      ps.setLong(2, clock.millis());
      ps.executeUpdate();
    }
    this.writer = new Thread(this::writeLoop, "journal-writer");
    writer.setDaemon(true);
    writer.start();
    checkAlarm();
  }

  /** Options of a journal; {@link JournalBuilder#open()} creates the file and its tables when missing. */
  public static JournalBuilder builder(Path file, String stationId, UUID agentSession) {
    return new JournalBuilder(file, stationId, agentSession);
  }

  public Path file() {
    return file;
  }

  public String stationId() {
    return stationId;
  }

  public UUID agentSession() {
    return agentSession;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Called (on the writer thread; it must only hand work over) after each commit that added events. */
  public void onAppend(Runnable listener) {
    appendListeners.add(listener);
  }

  /** Journals an event of this agent session and returns once it is on disk; the event gets the next seq. */
  public Event<?> append(Payload payload, Instant occurredAt) {
    return append(payload, occurredAt, null);
  }

  /** As {@link #append(Payload, Instant)}, recording the run's progress in the same transaction. */
  public Event<?> append(Payload payload, Instant occurredAt, RunProgress progress) {
    return await(submit(connection -> {
      Event<?> event = Event.of(stationId, agentSession, nextSeq, occurredAt, payload);
      insert(connection, event);
      nextSeq++;
      if (progress != null) {
        updateProgress(connection, progress);
      }
      return event;
    }));
  }

  /**
   * Reserves a seq without journaling anything: for the MQTT Will, which the broker publishes, not the agent. The
   * next journaled event gets the seq after it.
   */
  public long reserveSeq() {
    return await(submit(connection -> nextSeq++));
  }

  /** Removes events the broker acknowledged. */
  public void delete(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<Long> copy = List.copyOf(ids);
    await(submit(connection -> {
      long freed = 0;
      try (PreparedStatement size = connection.prepareStatement("SELECT length(payload) FROM events WHERE id = ?");
           PreparedStatement ps = connection.prepareStatement("DELETE FROM events WHERE id = ?")) {
        for (long id : copy) {
          size.setLong(1, id);
          try (ResultSet rs = size.executeQuery()) {
            if (rs.next()) {
              freed += rs.getLong(1) + ROW_OVERHEAD_BYTES;
            }
          }
          ps.setLong(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      approxBytes = Math.max(0, approxBytes - freed);
      return null;
    }));
  }

  /**
   * The broker acknowledged these events: they leave the journal, except when runs are kept until confirmed: then
   * every event is marked sent; a run's events wait for {@link #confirm}, station events for {@link #pruneSent}.
   */
  public void acknowledge(Collection<Long> ids) {
    if (!keepRunsUntilConfirmed) {
      delete(ids);
      return;
    }
    if (ids.isEmpty()) {
      return;
    }
    List<Long> copy = List.copyOf(ids);
    long now = clock.millis();
    await(submit(connection -> {
      try (PreparedStatement sent = connection.prepareStatement(
          "UPDATE events SET acked_ms = ? WHERE id = ? AND acked_ms IS NULL")) {
        for (long id : copy) {
          sent.setLong(1, now);
          sent.setLong(2, id);
          sent.addBatch(); // a row confirmed meanwhile is simply not there
        }
        sent.executeBatch();
      }
      return null;
    }));
  }

  /**
   * Marks unsent again the events of {@code session} with a seq in {@code fromSeq..toSeq} that the journal still
   * holds: the bridge found them missing in Kafka. Returns the lowest id marked, if any, for the forwarder to go back
   * to. Events that already left the journal (confirmed, or pruned) cannot be sent again; the gap stays open.
   */
  public OptionalLong requeueSeqs(UUID session, long fromSeq, long toSeq) {
    return await(submit(connection -> {
      long lowest;
      int marked;
      try (PreparedStatement first = connection.prepareStatement(
          "SELECT min(id), count(*) FROM events WHERE session = ? AND seq BETWEEN ? AND ? AND acked_ms IS NOT NULL")) {
        first.setString(1, session.toString());
        first.setLong(2, fromSeq);
        first.setLong(3, toSeq);
        try (ResultSet rs = first.executeQuery()) {
          rs.next();
          lowest = rs.getLong(1);
          marked = rs.getInt(2);
        }
      }
      if (marked == 0) {
        log.info("resend request for session {} seq {} to {}: none of them is still in the journal", session,
            fromSeq, toSeq);
        return OptionalLong.empty();
      }
      try (PreparedStatement requeue = connection.prepareStatement(
          "UPDATE events SET acked_ms = NULL, resends = resends + 1"
              + " WHERE session = ? AND seq BETWEEN ? AND ? AND acked_ms IS NOT NULL")) {
        requeue.setString(1, session.toString());
        requeue.setLong(2, fromSeq);
        requeue.setLong(3, toSeq);
        requeue.executeUpdate();
      }
      log.warn("the bridge misses session {} seq {} to {}: sending the {} event(s) the journal holds again", session,
          fromSeq, toSeq, marked);
      return OptionalLong.of(lowest);
    }));
  }

  /**
   * Removes the station events (birth, heartbeat, goodbye) the broker acknowledged, and the events of confirmed
   * runs, at least {@code keepFor} ago; only kept with runs kept until confirmed. Returns how many left. Looks first on the read connection, so the
   * usual call is a read and no write transaction.
   */
  public int pruneSent(Duration keepFor) {
    if (!keepRunsUntilConfirmed) {
      return 0;
    }
    long cutoff = clock.millis() - keepFor.toMillis();
    synchronized (readConnection) {
      try (PreparedStatement ps = readConnection.prepareStatement(
          "SELECT 1 FROM events WHERE run_id IS NULL AND acked_ms IS NOT NULL AND acked_ms <= ? LIMIT 1")) {
        ps.setLong(1, cutoff);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return 0;
          }
        }
      } catch (SQLException e) {
        throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
      }
    }
    return await(submit(connection -> {
      String where = " FROM events WHERE run_id IS NULL AND acked_ms IS NOT NULL AND acked_ms <= ?";
      long freed;
      try (PreparedStatement size = connection.prepareStatement(
          "SELECT coalesce(sum(length(payload)), 0), count(*)" + where)) {
        size.setLong(1, cutoff);
        try (ResultSet rs = size.executeQuery()) {
          rs.next();
          freed = rs.getLong(1) + rs.getLong(2) * ROW_OVERHEAD_BYTES;
        }
      }
      int removed;
      try (PreparedStatement delete = connection.prepareStatement("DELETE" + where)) {
        delete.setLong(1, cutoff);
        removed = delete.executeUpdate();
      }
      approxBytes = Math.max(0, approxBytes - freed);
      return removed;
    }));
  }

  /**
   * The pipeline has the run (its shopfloor verdict came back): its events are no longer sent again on their own and
   * no longer wait for a verdict. Like sent station events they stay for {@link #pruneSent}'s while: the verdict says
   * the run.finished arrived, and a step or log chunk lost on the way is still there for the bridge's resend request.
   * Returns how many events the run had in the journal.
   */
  public int confirm(UUID runId) {
    long now = clock.millis();
    return await(submit(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "UPDATE events SET run_id = NULL, acked_ms = coalesce(acked_ms, ?) WHERE run_id = ?")) {
        ps.setLong(1, now);
        ps.setString(2, runId.toString());
        return ps.executeUpdate();
      }
    }));
  }

  /**
   * Marks unsent again every event of each run whose run.finished the broker acknowledged at least
   * {@code resendAfter} ago (doubling with each resend, at most 64 times it) without a confirmation, so the forwarder
   * publishes the whole run again; consumers are idempotent on eventId. Returns the lowest id marked, if any.
   */
  public OptionalLong requeueUnconfirmed(Duration resendAfter) {
    if (!keepRunsUntilConfirmed) {
      return OptionalLong.empty();
    }
    List<String> due = overdueRuns(resendAfter, clock.millis());
    if (due.isEmpty()) {
      return OptionalLong.empty(); // the usual case: a read, no write transaction and no fsync
    }
    return await(submit(connection -> {
      long lowest = Long.MAX_VALUE;
      try (PreparedStatement first = connection.prepareStatement("SELECT min(id) FROM events WHERE run_id = ?");
           PreparedStatement requeue = connection.prepareStatement(
               "UPDATE events SET acked_ms = NULL, resends = resends + 1 WHERE run_id = ?")) {
        for (String runId : due) {
          first.setString(1, runId);
          try (ResultSet rs = first.executeQuery()) {
            rs.next(); // an aggregate: always one row
            long id = rs.getLong(1);
            if (rs.wasNull()) {
              continue; // confirmed since it was found overdue
            }
            lowest = Math.min(lowest, id);
          }
          requeue.setString(1, runId);
          requeue.executeUpdate();
          log.warn("run {}: no confirmation {} after the broker acknowledged it; sending the run again", runId,
              resendAfter);
        }
      }
      return lowest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(lowest);
    }));
  }

  /** Runs whose run.finished the broker acknowledged longer ago than their resend wait, read beside the writer. */
  private List<String> overdueRuns(Duration resendAfter, long now) {
    synchronized (readConnection) {
      try (PreparedStatement ps = readConnection.prepareStatement(
          "SELECT run_id FROM events WHERE type = ? AND run_id IS NOT NULL AND acked_ms IS NOT NULL"
              + " AND acked_ms + ? * (1 << min(resends, 6)) <= ?")) {
        ps.setString(1, MessageType.RUN_FINISHED.typeName());
        ps.setLong(2, resendAfter.toMillis());
        ps.setLong(3, now);
        List<String> due = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            due.add(rs.getString(1));
          }
        }
        return due;
      } catch (SQLException e) {
        throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Up to {@code limit} events with an id above {@code afterId}, in publish order. */
  public List<JournalEntry> readAfter(long afterId, int limit) {
    synchronized (readConnection) {
      try (PreparedStatement ps = readConnection.prepareStatement(
          "SELECT id, type, topic, retained, payload, created_ms FROM events WHERE id > ? AND acked_ms IS NULL"
              + " ORDER BY id LIMIT ?")) {
        ps.setLong(1, afterId);
        ps.setInt(2, limit);
        List<JournalEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new JournalEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0,
                rs.getBytes(5), rs.getLong(6)));
          }
        }
        return out;
      } catch (SQLException e) {
        throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** The backlog now, read from the file (other agent processes of this station may write to it too). */
  public JournalStats stats() {
    try {
      return queryStats();
    } catch (SQLException e) {
      throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether a new run may start: refused when the journal is at its bound or the disk below its floor. */
  public Admission admission() {
    JournalStats stats = stats();
    if (stats.bytes() >= maxBytes) {
      return Admission.refused("journal full: " + stats.bytes() + " bytes of " + stats.depth()
          + " unsent events and " + stats.awaitingConfirmation() + " sent events awaiting their run's verdict"
          + " reached journal.maxBytes " + maxBytes + " (" + file + "). New runs are refused until the agent reaches"
          + " the broker and the pipeline confirms the runs, and the journal drains.");
    }
    return diskAdmission(file, stats.diskFreeBytes(), minFreeDisk);
  }

  /**
   * Whether the journal's disk has room for a new run, checked before the journal is even opened: on a full disk
   * SQLite cannot open it (its WAL index cannot grow), and the run must still be refused with a clear reason.
   */
  public static Admission diskAdmission(Path file, FreeSpaceProbe freeSpace, long minFreeDisk) {
    Path dir = file.toAbsolutePath().getParent();
    while (dir.getParent() != null && !Files.isDirectory(dir)) {
      dir = dir.getParent(); // the first start: the data folder is made when the journal opens
    }
    long free;
    try {
      free = freeSpace.freeBytes(dir);
    } catch (IOException e) {
      log.warn("cannot read free disk space of {}: {}", file, e.getMessage(), e);
      free = 0;
    }
    return diskAdmission(file, free, minFreeDisk);
  }

  private static Admission diskAdmission(Path file, long free, long minFreeDisk) {
    if (free < minFreeDisk) {
      return Admission.refused("disk full: " + free + " bytes free on the journal's disk ("
          + file.toAbsolutePath().getParent() + "), below journal.minFreeDisk " + minFreeDisk
          + ". New runs are refused until space is freed.");
    }
    return Admission.OK;
  }

  /** Records a new run as ACTIVE, owned by this process. */
  public void registerRun(RunStarted started, Path dir) {
    byte[] json = writeJson(started);
    ProcessHandle self = ProcessHandle.current();
    await(submit(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "INSERT INTO runs(run_id, dir, started, state, owner_pid, owner_start_ms, stdout_lines, stderr_lines,"
              + " next_chunk, steps_emitted, created_ms) VALUES (?, ?, ?, 'ACTIVE', ?, ?, 0, 0, 0, 0, ?)")) {
        ps.setString(1, started.runId().toString());
        ps.setString(2, dir.toAbsolutePath().toString());
        ps.setBytes(3, json);
        ps.setLong(4, self.pid());
        ps.setLong(5, startMillis(self));
        ps.setLong(6, clock.millis());
        ps.executeUpdate();
      }
      return null;
    }));
  }

  /** Records the test program's process, so a restart after an agent crash can stop it. */
  public void recordChild(UUID runId, ProcessHandle child) {
    await(submit(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "UPDATE runs SET child_pid = ?, child_start_ms = ? WHERE run_id = ?")) {
        ps.setLong(1, child.pid());
        ps.setLong(2, startMillis(child));
        ps.setString(3, runId.toString());
        ps.executeUpdate();
      }
      return null;
    }));
  }

  /**
   * Journals a run's run.finished and marks the run FINISHED in one transaction, so a crash leaves it either
   * active (and closed again at restart) or finished, never both or neither.
   */
  public Event<?> appendFinal(UUID runId, Payload runFinished, Instant occurredAt) {
    return await(submit(connection -> {
      Event<?> event = Event.of(stationId, agentSession, nextSeq, occurredAt, runFinished);
      insert(connection, event);
      nextSeq++;
      try (PreparedStatement ps = connection.prepareStatement("UPDATE runs SET state = 'FINISHED' WHERE run_id = ?")) {
        ps.setString(1, runId.toString());
        ps.executeUpdate();
      }
      return event;
    }));
  }

  /**
   * Journals the events of one watched result file and records the file's key in one transaction, so the file is
   * published exactly once even if the agent dies before marking it.
   */
  public void appendWatched(String fileKey, List<? extends Payload> payloads, Instant occurredAt) {
    await(submit(connection -> {
      for (Payload payload : payloads) {
        insert(connection, Event.of(stationId, agentSession, nextSeq, occurredAt, payload));
        nextSeq++;
      }
      try (PreparedStatement ps = connection.prepareStatement(
          "INSERT INTO watched_files(file_key, processed_ms) VALUES (?, ?)")) {
        ps.setString(1, fileKey);
        ps.setLong(2, clock.millis());
        ps.executeUpdate();
      }
      return null;
    }));
  }

  /** Whether a watched file with this key was journaled already. */
  public boolean watchedBefore(String fileKey) {
    synchronized (readConnection) {
      try (PreparedStatement ps = readConnection.prepareStatement("SELECT 1 FROM watched_files WHERE file_key = ?")) {
        ps.setString(1, fileKey);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      } catch (SQLException e) {
        throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Runs still ACTIVE, whoever owns them. */
  public List<RunRecord> activeRuns() {
    synchronized (readConnection) {
      try (PreparedStatement ps = readConnection.prepareStatement(
          "SELECT run_id, dir, started, state, owner_pid, owner_start_ms, child_pid, child_start_ms, stdout_lines,"
              + " stderr_lines, next_chunk, steps_emitted FROM runs WHERE state = 'ACTIVE' ORDER BY created_ms");
           ResultSet rs = ps.executeQuery()) {
        List<RunRecord> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new RunRecord(UUID.fromString(rs.getString(1)), Path.of(rs.getString(2)), rs.getBytes(3),
              RunState.valueOf(rs.getString(4)), rs.getLong(5), rs.getLong(6), rs.getObject(7) == null
              ? null : rs.getLong(7), rs.getObject(8) == null ? null : rs.getLong(8), rs.getLong(9), rs.getLong(10),
              rs.getLong(11), rs.getLong(12)));
        }
        return out;
      } catch (SQLException e) {
        throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The newest run a live agent process of this station is running, whichever process that is (a {@code run} beside
   * {@code serve} journals into the same file); empty when none.
   */
  public Optional<RunInProgress> runInProgress() {
    synchronized (readConnection) {
      try (PreparedStatement ps = readConnection.prepareStatement(
          "SELECT run_id, started, owner_pid, owner_start_ms, last_step FROM runs WHERE state = 'ACTIVE'"
              + " ORDER BY created_ms DESC");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (processAlive(rs.getLong(3), rs.getLong(4))) {
            String serial = EventJson.mapper().readTree(rs.getBytes(2)).path("serialNumber").asText(null);
            return Optional.of(new RunInProgress(UUID.fromString(rs.getString(1)), serial, rs.getString(5)));
          }
        }
        return Optional.empty();
      } catch (SQLException | IOException e) {
        throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Whether the process that owns {@code run} is still alive (same pid and same start time). */
  public static boolean ownerAlive(RunRecord run) {
    return processAlive(run.ownerPid(), run.ownerStartMs());
  }

  /** The pid is alive and is still the same process (a reused pid has another start time). */
  private static boolean processAlive(long pid, long startMs) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> startMillis(p) == startMs).orElse(false);
  }

  /** The start time of a process as the OS reports it, 0 when unknown. */
  public static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.interrupt();
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending(new IllegalStateException("journal " + file + " is closed"));
    closeQuietly(readConnection);
    closeQuietly(writeConnection);
  }

  private <T> CompletableFuture<T> submit(Work<T> work) {
    if (closed.get()) {
      throw new IllegalStateException("journal " + file + " is closed");
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    queue.add(new Op<>(work, done));
    return done;
  }

  private <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException("interrupted while writing journal " + file, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof JournalException je) {
        throw je;
      }
      throw new JournalException("cannot write journal " + file + ": " + cause.getMessage(), cause);
    }
  }

  private void writeLoop() {
    List<Op<?>> batch = new ArrayList<>();
    while (!closed.get() || !queue.isEmpty()) {
      try {
        Op<?> first = queue.take();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
      } catch (InterruptedException e) {
        if (queue.isEmpty()) {
          break;
        }
        queue.drainTo(batch, MAX_BATCH);
      }
      commit(batch);
      batch.clear();
    }
  }

  private void commit(List<Op<?>> batch) {
    long seqBefore = nextSeq;
    long bytesBefore = approxBytes;
    List<Object> results = new ArrayList<>(batch.size());
    try {
      writeConnection.setAutoCommit(false);
      for (Op<?> op : batch) {
        results.add(op.work().apply(writeConnection));
      }
      persistSeq(writeConnection);
      writeConnection.commit();
    } catch (SQLException | RuntimeException e) {
      rollback();
      nextSeq = seqBefore;
      approxBytes = bytesBefore;
      if (batch.size() > 1) {
        // one bad operation must not fail the others: retry each alone
        for (Op<?> op : batch) {
          commit(List.of(op));
        }
      } else {
        log.error("journal write failed on {}: {}", file, e.getMessage(), e);
        batch.get(0).done().completeExceptionally(
            new JournalException("cannot write journal " + file + ": " + e.getMessage(), e));
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), results.get(i));
    }
    if (nextSeq != seqBefore || approxBytes != bytesBefore) {
      checkAlarm();
      appendListeners.forEach(Runnable::run);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Op<T> op, Object result) {
    op.done().complete((T) result);
  }

  private void insert(Connection connection, Event<?> event) throws SQLException {
    byte[] payload = EventJson.toBytes(event);
    MessageType type = event.type();
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO events(session, seq, type, topic, retained, payload, created_ms, run_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, event.agentSession().toString());
      ps.setLong(2, event.seq());
      ps.setString(3, type.typeName());
      ps.setString(4, Topics.mqttTopic(stationId, Topics.mqttKindOf(type)));
      ps.setInt(5, type == MessageType.STATION_BIRTH ? 1 : 0);
      ps.setBytes(6, payload);
      ps.setLong(7, clock.millis());
      UUID runId = runIdOf(event.data());
      ps.setString(8, runId == null ? null : runId.toString());
      ps.executeUpdate();
    }
    approxBytes += payload.length + ROW_OVERHEAD_BYTES;
  }

  /** The run an event belongs to; null for station events. */
  static UUID runIdOf(Payload payload) {
    if (payload instanceof RunStarted p) {
      return p.runId();
    } else if (payload instanceof RunStep p) {
      return p.runId();
    } else if (payload instanceof RunLog p) {
      return p.runId();
    } else if (payload instanceof RunFinished p) {
      return p.runId();
    }
    return null;
  }

  private static void updateProgress(Connection connection, RunProgress p) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "UPDATE runs SET stdout_lines = coalesce(?, stdout_lines), stderr_lines = coalesce(?, stderr_lines),"
            + " next_chunk = coalesce(?, next_chunk), steps_emitted = coalesce(?, steps_emitted),"
            + " last_step = coalesce(?, last_step) WHERE run_id = ?")) {
      ps.setObject(1, p.stdoutLines());
      ps.setObject(2, p.stderrLines());
      ps.setObject(3, p.nextChunk());
      ps.setObject(4, p.stepsEmitted());
      ps.setString(5, p.lastStep());
      ps.setString(6, p.runId().toString());
      ps.executeUpdate();
    }
  }

  private void persistSeq(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("UPDATE sessions SET next_seq = ? WHERE session = ?")) {
      ps.setLong(1, nextSeq);
      ps.setString(2, agentSession.toString());
      ps.executeUpdate();
    }
  }

  private void checkAlarm() {
    long threshold = maxBytes / 100 * alarmPercent;
    long bytes = approxBytes;
    if (bytes >= threshold && alarmRaised.compareAndSet(false, true)) {
      log.warn("journal alarm: {} bytes unsent, at or above {}% of journal.maxBytes {} ({})", bytes, alarmPercent,
          maxBytes, file);
    } else if (bytes < threshold && alarmRaised.compareAndSet(true, false)) {
      log.info("journal alarm cleared: {} bytes unsent, below {}% of journal.maxBytes {}", bytes, alarmPercent,
          maxBytes);
    }
  }

  private JournalStats queryStats() throws SQLException {
    long depth;
    long bytes;
    long oldest;
    long sent;
    synchronized (readConnection) {
      try (Statement st = readConnection.createStatement();
           ResultSet rs = st.executeQuery(
               "SELECT count(*), coalesce(sum(length(payload)), 0),"
                   + " coalesce(min(CASE WHEN acked_ms IS NULL THEN created_ms END), 0),"
                   + " coalesce(sum(CASE WHEN acked_ms IS NULL THEN 0 ELSE 1 END), 0),"
                   + " coalesce(sum(CASE WHEN acked_ms IS NOT NULL AND run_id IS NOT NULL THEN 1 ELSE 0 END), 0)"
                   + " FROM events")) {
        rs.next();
        long rows = rs.getLong(1);
        bytes = rs.getLong(2) + rows * ROW_OVERHEAD_BYTES;
        oldest = rs.getLong(3);
        depth = rows - rs.getLong(4);
        sent = rs.getLong(5);
      }
    }
    long free;
    try {
      free = freeSpace.freeBytes(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      log.warn("cannot read free disk space of {}: {}", file, e.getMessage(), e);
      free = 0;
    }
    return new JournalStats(depth, bytes, maxBytes, oldest, bytes >= maxBytes / 100 * alarmPercent, free, sent);
  }

  private void rollback() {
    try {
      writeConnection.rollback();
    } catch (SQLException e) {
      log.error("journal rollback failed on {}", file, e);
    }
  }

  private void failPending(RuntimeException reason) {
    Op<?> op;
    while ((op = queue.poll()) != null) {
      op.done().completeExceptionally(reason);
    }
  }

  private static byte[] writeJson(Object value) {
    try {
      return EventJson.mapper().writeValueAsBytes(value);
    } catch (IOException e) {
      throw new JournalException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.warn("closing journal connection failed", e);
    }
  }
}
