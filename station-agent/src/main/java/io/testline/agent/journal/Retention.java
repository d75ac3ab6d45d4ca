package io.testline.agent.journal;

import io.testline.schemas.MessageType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to an event after the broker's PUBACK ({@code journal.keepUntil}). With {@code puback} it leaves the
 * journal. With {@code verdict} ({@code keepRunsUntilConfirmed}) it is only marked sent ({@code acked_ms}): a run's
 * events wait for the run's confirmation ({@link #confirm}, on its shopfloor verdict) and are sent again when none
 * comes in time ({@link #requeueUnconfirmed}); station events and the events of confirmed runs stay for a while
 * ({@link #pruneSent}), so that a resend request for their seqs ({@link #requeueSeqs}) still finds them.
 *
 * <p>The periodic checks look on the read connection first, so their usual outcome (nothing due) is a read, with no
 * write transaction and no fsync.
 */
final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private final JournalStore store;
  private final Outbox outbox;
  private final Backlog backlog;
  private final Clock clock;
  private final boolean keepRunsUntilConfirmed;

  Retention(JournalStore store, Outbox outbox, Backlog backlog, Clock clock, boolean keepRunsUntilConfirmed) {
    this.store = store;
    this.outbox = outbox;
    this.backlog = backlog;
    this.clock = clock;
    this.keepRunsUntilConfirmed = keepRunsUntilConfirmed;
  }

  /** The broker acknowledged these events: removed, or with runs kept until confirmed, marked sent. */
  void acknowledge(Collection<Long> ids) {
    if (!keepRunsUntilConfirmed) {
      outbox.delete(ids);
      return;
    }
    if (ids.isEmpty()) {
      return;
    }
    List<Long> copy = List.copyOf(ids);
    long now = clock.millis();
    store.write(connection -> {
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
    });
  }

  /** Marks unsent again the sent events of {@code session} with a seq in range; the lowest id marked, if any. */
  OptionalLong requeueSeqs(UUID session, long fromSeq, long toSeq) {
    return store.write(connection -> {
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
    });
  }

  /** Removes the sent events not waiting for a verdict, sent at least {@code keepFor} ago; how many left. */
  int pruneSent(Duration keepFor) {
    if (!keepRunsUntilConfirmed) {
      return 0;
    }
    long cutoff = clock.millis() - keepFor.toMillis();
    String where = " FROM events WHERE run_id IS NULL AND acked_ms IS NOT NULL AND acked_ms <= ?";
    boolean any = store.read(connection -> {
      try (PreparedStatement ps = connection.prepareStatement("SELECT 1" + where + " LIMIT 1")) {
        ps.setLong(1, cutoff);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
    if (!any) {
      return 0;
    }
    return store.write(connection -> {
      long freed;
      try (PreparedStatement size = connection.prepareStatement(
          "SELECT coalesce(sum(length(payload)), 0), count(*)" + where)) {
        size.setLong(1, cutoff);
        try (ResultSet rs = size.executeQuery()) {
          rs.next();
          freed = rs.getLong(1) + rs.getLong(2) * Backlog.ROW_OVERHEAD_BYTES;
        }
      }
      int removed;
      try (PreparedStatement delete = connection.prepareStatement("DELETE" + where)) {
        delete.setLong(1, cutoff);
        removed = delete.executeUpdate();
      }
      backlog.freed(freed);
      return removed;
    });
  }

  /** The run is confirmed: its events wait no longer, and stay for {@link #pruneSent}'s while. How many it had. */
  int confirm(UUID runId) {
    long now = clock.millis();
    return store.write(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "UPDATE events SET run_id = NULL, acked_ms = coalesce(acked_ms, ?) WHERE run_id = ?")) {
        ps.setLong(1, now);
        ps.setString(2, runId.toString());
        return ps.executeUpdate();
      }
    });
  }

  /** Marks unsent again every event of each overdue unconfirmed run; the lowest id marked, if any. */
  OptionalLong requeueUnconfirmed(Duration resendAfter) {
    if (!keepRunsUntilConfirmed) {
      return OptionalLong.empty();
    }
    List<String> due = overdueRuns(resendAfter, clock.millis());
    if (due.isEmpty()) {
      return OptionalLong.empty(); // the usual case: a read, no write transaction and no fsync
    }
    return store.write(connection -> {
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
    });
  }

  /**
   * Runs whose run.finished the broker acknowledged longer ago than their resend wait: {@code resendAfter}, doubled
   * with each resend, at most 64 times it.
   */
  private List<String> overdueRuns(Duration resendAfter, long now) {
    return store.read(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
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
      }
    });
  }
}
