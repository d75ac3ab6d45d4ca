package io.testline.audit;

import io.testline.audit.AuditReport.DeadLetterRef;
import io.testline.audit.AuditReport.Gap;
import io.testline.audit.AuditReport.Run;
import io.testline.schemas.SeqGap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Puts together what Kafka, the result database and the ledger say about each run: pure logic. */
final class Reconciler {

  /** A run as seen in the events topic. */
  record SeenRun(UUID runId, String serialNumber, String stationId, boolean started, boolean finished,
      String outcome) {}

  /** A run as the result database has it ({@code finished} = its run.finished was stored). */
  record StoredRun(boolean finished, String verdict, String verdictCode, String verdictMessage) {}

  private Reconciler() {}

  /**
   * The gaps still open: a gap record of the window stays open unless a {@code FILLED} record for the same station,
   * session and seqs followed it (the station kept the run until it was confirmed and sent it again).
   */
  static List<Gap> openGaps(List<Gap> records) {
    Set<String> filled = new HashSet<>();
    for (Gap g : records) {
      if (SeqGap.FILLED.equals(g.cause())) {
        filled.add(key(g));
      }
    }
    List<Gap> open = new ArrayList<>();
    for (Gap g : records) {
      if (!SeqGap.FILLED.equals(g.cause()) && !filled.contains(key(g))) {
        open.add(g);
      }
    }
    return open;
  }

  /**
   * The gaps of {@code open} that Kafka really lacks: a gap every seq of which {@code held} names (the sequenced
   * topics hold it, e.g. reported by a detector that had lost its state) is no gap. {@code held}: per
   * {@code stationId/agentSession}, the seqs on Kafka.
   */
  static List<Gap> notHeld(List<Gap> open, Map<String, Set<Long>> held) {
    List<Gap> missing = new ArrayList<>();
    for (Gap g : open) {
      Set<Long> seqs = held.getOrDefault(session(g.stationId(), g.agentSession()), Set.of());
      for (long seq = g.fromSeq(); seq <= g.toSeq(); seq++) {
        if (!seqs.contains(seq)) {
          missing.add(g);
          break;
        }
      }
    }
    return missing;
  }

  static String session(String stationId, String agentSession) {
    return stationId + '/' + agentSession;
  }

  private static String key(Gap g) {
    return g.stationId() + '/' + g.agentSession() + '/' + g.fromSeq() + '-' + g.toSeq();
  }

  static AuditReport reconcile(Instant from, Instant to, Instant auditedAt, Collection<SeenRun> seen,
      Map<UUID, StoredRun> stored, Map<UUID, String> ledgerStates, List<Gap> gaps, Map<String, Long> deadLetters,
      List<DeadLetterRef> deadLetterSamples) {
    List<Run> runs = new ArrayList<>();
    List<Run> notFinished = new ArrayList<>();
    List<Run> notStored = new ArrayList<>();
    List<Run> withoutVerdict = new ArrayList<>();
    List<Run> notSubmitted = new ArrayList<>();
    List<Run> rejected = new ArrayList<>();
    List<Run> dead = new ArrayList<>();
    for (SeenRun s : seen) {
      StoredRun db = stored.get(s.runId());
      boolean isStored = db != null && db.finished();
      String verdict = db == null ? null : db.verdict();
      String ledger = ledgerStates.get(s.runId());
      Run run = new Run(s.runId(), s.serialNumber(), s.stationId(), s.started(), s.finished(), s.outcome(), isStored,
          verdict, db == null ? null : db.verdictCode(), db == null ? null : db.verdictMessage(), ledger);
      runs.add(run);
      if (!s.finished()) {
        notFinished.add(run);
        continue;
      }
      if (!isStored) {
        notStored.add(run);
      }
      if (ledger == null) {
        notSubmitted.add(run);
      }
      if (verdict == null) {
        withoutVerdict.add(run);
      } else if ("REJECTED".equals(verdict)) {
        rejected.add(run);
      } else if ("DEAD".equals(verdict)) {
        dead.add(run);
      }
    }
    return new AuditReport(from, to, auditedAt, runs, notFinished, notStored, withoutVerdict, notSubmitted, rejected,
        dead, gaps, deadLetters, deadLetterSamples);
  }
}
