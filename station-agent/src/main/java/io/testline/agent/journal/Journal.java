package io.testline.agent.journal;

import io.testline.schemas.Event;
import io.testline.schemas.Payload;
import io.testline.schemas.RunStarted;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The station's store-and-forward journal: one SQLite file in WAL mode with {@code synchronous=FULL}, so an event
 * is on disk (fsynced) when {@link #append} returns, before anyone publishes it. An event leaves the journal only
 * after the broker's PUBACK ({@link #acknowledge}).
 *
 * <p>All writes go through one writer thread that commits whatever is queued in one transaction (group commit):
 * concurrent writers share an fsync, and the writer assigns each event its {@code seq}, so the journal's order
 * (ascending id, the publish order) is the order of {@code seq}. The next seq of each agent session is persisted with
 * the events. Reads use a second connection; WAL lets them run beside the writer.
 *
 * <p>This class opens one part per job and joins them where one transaction spans two:
 * <ul>
 *   <li>{@link JournalStore}: the file, its connections, schema and migrations, the writer thread (group commit);
 *   <li>{@link Outbox}: the events to publish and the session's seq;
 *   <li>{@link Retention}: what happens after a PUBACK; with {@code keepRunsUntilConfirmed}
 *       ({@code journal.keepUntil: verdict}) a run's events stay until its verdict ({@link #confirm}), are sent again
 *       when none comes ({@link #requeueUnconfirmed}), and sent events stay a while ({@link #pruneSent}) for the
 *       bridge's resend request ({@link #requeueSeqs});
 *   <li>{@link Backlog}: the bound ({@code maxBytes}), its alarm at {@code alarmPercent}, the disk floor
 *       ({@code minFreeDisk}), and whether a new run may start ({@link #admission()});
 *   <li>{@link RunRegistry}: the runs, their owner and child processes and progress;
 *   <li>{@link WatchedFiles}: the watched result files already journaled;
 *   <li>{@link Uploads}: files recorded with a run.finished whose run.attachment chunks are still to journal.
 * </ul>
 */
public final class Journal implements AutoCloseable {
  private final String stationId;
  private final UUID agentSession;
  private final Clock clock;
  private final JournalStore store;
  private final Backlog backlog;
  private final Outbox outbox;
  private final Retention retention;
  private final RunRegistry runs;
  private final WatchedFiles watchedFiles;
  private final Uploads uploads;

  Journal(JournalBuilder b) throws SQLException, IOException {
    this.stationId = b.stationId;
    this.agentSession = b.agentSession;
    this.clock = b.clock;
    this.store = new JournalStore(b.file);
    try {
      this.backlog = new Backlog(store, b.maxBytes, b.alarmPercent, b.minFreeDisk, b.freeSpace);
      this.outbox = new Outbox(store, backlog, stationId, agentSession, clock);
      store.setUp(connection -> {
        outbox.registerSession(connection);
        return null;
      });
    } catch (SQLException | IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    this.retention = new Retention(store, outbox, backlog, clock, b.keepRunsUntilConfirmed);
    this.runs = new RunRegistry(store);
    this.watchedFiles = new WatchedFiles(store);
    this.uploads = new Uploads(store, outbox, clock);
    store.onChange(backlog::checkAlarm);
    store.start(List.of(outbox, backlog));
    backlog.checkAlarm();
  }

  /** Options of a journal; {@link JournalBuilder#open()} creates the file and its tables when missing. */
  public static JournalBuilder builder(Path file, String stationId, UUID agentSession) {
    return new JournalBuilder(file, stationId, agentSession);
  }

  public Path file() {
    return store.file();
  }

  public String stationId() {
    return stationId;
  }

  public UUID agentSession() {
    return agentSession;
  }

  public long maxBytes() {
    return backlog.maxBytes();
  }

  /** Called (on the writer thread; it must only hand work over) after each commit that added events. */
  public void onAppend(Runnable listener) {
    store.onChange(listener);
  }

  /** Journals an event of this agent session and returns once it is on disk; the event gets the next seq. */
  public Event<?> append(Payload payload, Instant occurredAt) {
    return append(payload, occurredAt, null);
  }

  /** As {@link #append(Payload, Instant)}, recording the run's progress in the same transaction. */
  public Event<?> append(Payload payload, Instant occurredAt, RunProgress progress) {
    return store.write(connection -> {
      Event<?> event = outbox.add(connection, payload, occurredAt);
      if (progress != null) {
        RunRegistry.updateProgress(connection, progress);
      }
      return event;
    });
  }

  /**
   * Reserves a seq without journaling anything: for the MQTT Will, which the broker publishes, not the agent. The
   * next journaled event gets the seq after it.
   */
  public long reserveSeq() {
    return outbox.reserveSeq();
  }

  /** Removes events the broker acknowledged. */
  public void delete(Collection<Long> ids) {
    outbox.delete(ids);
  }

  /**
   * The broker acknowledged these events: they leave the journal, except when runs are kept until confirmed: then
   * every event is marked sent; a run's events wait for {@link #confirm}, station events for {@link #pruneSent}.
   */
  public void acknowledge(Collection<Long> ids) {
    retention.acknowledge(ids);
  }

  /**
   * Marks unsent again the events of {@code session} with a seq in {@code fromSeq..toSeq} that the journal still
   * holds: the bridge found them missing in Kafka. Returns the lowest id marked, if any, for the forwarder to go back
   * to. Events that already left the journal (confirmed, or pruned) cannot be sent again; the gap stays open.
   */
  public OptionalLong requeueSeqs(UUID session, long fromSeq, long toSeq) {
    return retention.requeueSeqs(session, fromSeq, toSeq);
  }

  /**
   * Removes the station events (birth, heartbeat, goodbye) the broker acknowledged, and the events of confirmed
   * runs, at least {@code keepFor} ago; only kept with runs kept until confirmed. Returns how many left. Looks first
   * on the read connection, so the usual call is a read and no write transaction.
   */
  public int pruneSent(Duration keepFor) {
    return retention.pruneSent(keepFor);
  }

  /**
   * The pipeline has the run (its shopfloor verdict came back): its events are no longer sent again on their own and
   * no longer wait for a verdict. Like sent station events they stay for {@link #pruneSent}'s while: the verdict says
   * the run.finished arrived, and a step or log chunk lost on the way is still there for the bridge's resend request.
   * Returns how many events the run had in the journal.
   */
  public int confirm(UUID runId) {
    return retention.confirm(runId);
  }

  /**
   * Marks unsent again every event of each run whose run.finished the broker acknowledged at least
   * {@code resendAfter} ago (doubling with each resend, at most 64 times it) without a confirmation, so the forwarder
   * publishes the whole run again; consumers are idempotent on eventId. Returns the lowest id marked, if any.
   */
  public OptionalLong requeueUnconfirmed(Duration resendAfter) {
    return retention.requeueUnconfirmed(resendAfter);
  }

  /** Up to {@code limit} events with an id above {@code afterId}, in publish order. */
  public List<JournalEntry> readAfter(long afterId, int limit) {
    return outbox.readAfter(afterId, limit);
  }

  /** The backlog now, read from the file (other agent processes of this station may write to it too). */
  public JournalStats stats() {
    return backlog.stats();
  }

  /** Whether a new run may start: refused when the journal is at its bound or the disk below its floor. */
  public Admission admission() {
    return backlog.admission();
  }

  /**
   * Whether the journal's disk has room for a new run, checked before the journal is even opened: on a full disk
   * SQLite cannot open it (its WAL index cannot grow), and the run must still be refused with a clear reason.
   */
  public static Admission diskAdmission(Path file, FreeSpaceProbe freeSpace, long minFreeDisk) {
    return Backlog.diskAdmission(file, freeSpace, minFreeDisk);
  }

  /**
   * Journals a run's run.started and records the run as ACTIVE, owned by this process, in one transaction: a crash
   * leaves either nothing (the run never began, its program never ran) or a run that a restart closes, never a run
   * without its run.started. The run's directory is made after this returns (the run recovery makes it if the
   * agent died first).
   */
  public Event<?> startRun(RunStarted started, Path dir, Instant occurredAt) {
    return store.write(connection -> {
      Event<?> event = outbox.add(connection, started, occurredAt);
      RunRegistry.register(connection, started, dir, clock.millis());
      return event;
    });
  }

  /** Records the test program's process, so a restart after an agent crash can stop it. */
  public void recordChild(UUID runId, ProcessHandle child) {
    runs.recordChild(runId, child);
  }

  /**
   * Journals a run's run.finished and marks the run FINISHED in one transaction, so a crash leaves it either
   * active (and closed again at restart) or finished, never both or neither.
   */
  public Event<?> appendFinal(UUID runId, Payload runFinished, Instant occurredAt) {
    return store.write(connection -> {
      Event<?> event = outbox.add(connection, runFinished, occurredAt);
      RunRegistry.markFinished(connection, runId);
      return event;
    });
  }

  /**
   * As {@link #appendFinal(UUID, Payload, Instant)}, recording in the same transaction the files to upload with the
   * run; their chunks are journaled after it by {@link #journalUploads()}, so run.finished is published first.
   */
  public Event<?> appendFinal(UUID runId, Payload runFinished, Instant occurredAt, List<PendingUpload> files) {
    return store.write(connection -> {
      Event<?> event = outbox.add(connection, runFinished, occurredAt);
      RunRegistry.markFinished(connection, runId);
      for (PendingUpload file : files) {
        Uploads.register(connection, file, clock.millis());
      }
      return event;
    });
  }

  /**
   * Journals the run.attachment chunks of every recorded upload, each file in one transaction, reading it a chunk
   * at a time; a file gone or changed since is dropped (logged). Returns how many chunks were journaled. Called
   * after each run and at start, for uploads a kill left.
   */
  public int journalUploads() {
    return uploads.journal();
  }

  /** The uploads whose chunks are not journaled yet. */
  public List<PendingUpload> pendingUploads() {
    return uploads.pending();
  }

  /**
   * Journals the events of one watched result file and records the file's key in one transaction, so the file is
   * published exactly once even if the agent dies before marking it.
   */
  public void appendWatched(String fileKey, List<? extends Payload> payloads, Instant occurredAt) {
    store.write(connection -> {
      for (Payload payload : payloads) {
        outbox.add(connection, payload, occurredAt);
      }
      WatchedFiles.record(connection, fileKey, clock.millis());
      return null;
    });
  }

  /** Whether a watched file with this key was journaled already. */
  public boolean watchedBefore(String fileKey) {
    return watchedFiles.contains(fileKey);
  }

  /** Runs still ACTIVE, whoever owns them. */
  public List<JournaledRun> activeRuns() {
    return runs.active();
  }

  /**
   * The newest run a live agent process of this station is running, whichever process that is (a {@code run} beside
   * {@code serve} journals into the same file); empty when none.
   */
  public Optional<RunInProgress> runInProgress() {
    return runs.inProgress();
  }

  /** Whether the process that owns {@code run} is still alive (same pid and same start time). */
  public static boolean ownerAlive(JournaledRun run) {
    return RunRegistry.ownerAlive(run);
  }

  /** The start time of a process as the OS reports it, 0 when unknown. */
  public static long startMillis(ProcessHandle process) {
    return RunRegistry.startMillis(process);
  }

  @Override
  public void close() {
    store.close();
  }
}
