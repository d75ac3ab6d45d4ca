package io.testline.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's size against its bound, and the disk under it: counts the bytes the journal holds, raises and clears
 * the alarm at {@code alarmPercent} of {@code maxBytes}, reports {@link JournalStats} and decides whether a new run
 * may start ({@link #admission}). A run already going keeps journaling past the bound: refusing its events would lose
 * them.
 *
 * <p>The count kept in memory ({@link #added}, {@link #freed}) follows this process's writes, for the alarm after
 * each commit; {@link #stats} reads the file, which other agent processes of the station may write to as well.
 */
final class Backlog implements JournalStore.BatchState {
  private static final Logger log = LoggerFactory.getLogger(Backlog.class);
  /** Per-row overhead counted against the bound besides the payload: ids, topic, index entries. */
  static final int ROW_OVERHEAD_BYTES = 96;

  private final JournalStore store;
  private final long maxBytes;
  private final int alarmPercent;
  private final long minFreeDisk;
  private final FreeSpaceProbe freeSpace;
  private final AtomicBoolean alarmRaised = new AtomicBoolean();
  private volatile long approxBytes;
  private long bytesBefore;

  /** Reads the journal's current size from the file; the caller reports a failure as failing to open it. */
  Backlog(JournalStore store, long maxBytes, int alarmPercent, long minFreeDisk, FreeSpaceProbe freeSpace)
      throws SQLException, IOException {
    this.store = store;
    this.maxBytes = maxBytes;
    this.alarmPercent = alarmPercent;
    this.minFreeDisk = minFreeDisk;
    this.freeSpace = freeSpace;
    this.approxBytes = query().bytes();
  }

  long maxBytes() {
    return maxBytes;
  }

  /** A row of {@code payloadBytes} was written (on the writer thread). */
  void added(long payloadBytes) {
    approxBytes += payloadBytes + ROW_OVERHEAD_BYTES;
  }

  /** Rows counted as {@code bytes} (payload and overhead) were removed (on the writer thread). */
  void freed(long bytes) {
    approxBytes = Math.max(0, approxBytes - bytes);
  }

  @Override
  public void begin() {
    bytesBefore = approxBytes;
  }

  @Override
  public void rollback() {
    approxBytes = bytesBefore;
  }

  @Override
  public boolean changed() {
    return approxBytes != bytesBefore;
  }

  /** Logs {@code journal alarm:} when the count crosses the threshold upwards, and its clearing downwards. */
  void checkAlarm() {
    long threshold = maxBytes / 100 * alarmPercent;
    long bytes = approxBytes;
    if (bytes >= threshold && alarmRaised.compareAndSet(false, true)) {
      log.warn("journal alarm: {} bytes unsent, at or above {}% of journal.maxBytes {} ({})", bytes, alarmPercent,
          maxBytes, store.file());
    } else if (bytes < threshold && alarmRaised.compareAndSet(true, false)) {
      log.info("journal alarm cleared: {} bytes unsent, below {}% of journal.maxBytes {}", bytes, alarmPercent,
          maxBytes);
    }
  }

  /** The backlog now, read from the file. */
  JournalStats stats() {
    try {
      return query();
    } catch (SQLException | IOException e) {
      throw new JournalException("cannot read journal " + store.file() + ": " + e.getMessage(), e);
    }
  }

  private JournalStats query() throws SQLException, IOException {
    long[] counts = store.query(connection -> {
      try (Statement st = connection.createStatement();
           ResultSet rs = st.executeQuery(
               "SELECT count(*), coalesce(sum(length(payload)), 0),"
                   + " coalesce(min(CASE WHEN acked_ms IS NULL THEN created_ms END), 0),"
                   + " coalesce(sum(CASE WHEN acked_ms IS NULL THEN 0 ELSE 1 END), 0),"
                   + " coalesce(sum(CASE WHEN acked_ms IS NOT NULL AND run_id IS NOT NULL THEN 1 ELSE 0 END), 0)"
                   + " FROM events")) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)};
      }
    });
    long rows = counts[0];
    long bytes = counts[1] + rows * ROW_OVERHEAD_BYTES;
    long oldest = counts[2];
    long depth = rows - counts[3];
    long sent = counts[4];
    long free;
    try {
      free = freeSpace.freeBytes(store.file().toAbsolutePath().getParent());
    } catch (IOException e) {
      log.warn("cannot read free disk space of {}: {}", store.file(), e.getMessage(), e);
      free = 0;
    }
    return new JournalStats(depth, bytes, maxBytes, oldest, bytes >= maxBytes / 100 * alarmPercent, free, sent);
  }

  /** Whether a new run may start: refused when the journal is at its bound or the disk below its floor. */
  Admission admission() {
    JournalStats stats = stats();
    Path file = store.file();
    if (stats.bytes() >= maxBytes) {
      return Admission.refused("journal full: " + stats.bytes() + " bytes of " + stats.depth()
          + " unsent events and " + stats.awaitingConfirmation() + " sent events awaiting their run's verdict"
          + " reached journal.maxBytes " + maxBytes + " (" + file + "). New runs are refused until the agent reaches"
          + " the broker and the pipeline confirms the runs, and the journal drains.");
    }
    return diskAdmission(file, stats.diskFreeBytes(), minFreeDisk);
  }

  /** As {@link Journal#diskAdmission}: checked before the journal is opened, so its folder may not exist yet. */
  static Admission diskAdmission(Path file, FreeSpaceProbe freeSpace, long minFreeDisk) {
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
}
