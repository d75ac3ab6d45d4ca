package io.testline.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What an audit of a time window found. A run belongs to the window when its {@code run.started} or
 * {@code run.finished} record in Kafka has a timestamp in it. The window is complete when every such run finished,
 * is stored, has a shopfloor verdict that is not DEAD, and no sequence gap or dead letter fell in the window.
 *
 * @param runs every run of the window, in the order it was first seen in Kafka
 * @param deadLetters dead letters of the window by reason
 */
public record AuditReport(Instant from, Instant to, Instant auditedAt, List<Run> runs,
    List<Run> startedNotFinished, List<Run> finishedNotStored, List<Run> storedWithoutVerdict,
    List<Run> notSubmitted, List<Run> rejected, List<Run> dead, List<Gap> seqGaps,
    Map<String, Long> deadLetters, List<DeadLetterRef> deadLetterSamples) {

  /** One run as the audit saw it in Kafka, the result database and the shopfloor ledger. */
  public record Run(UUID runId, String serialNumber, String stationId, boolean started, boolean finished,
      String outcome, boolean stored, String verdict, String verdictCode, String verdictMessage,
      String ledgerState) {}

  /** A sequence gap record of the bridge's detector. */
  public record Gap(String stationId, String agentSession, long fromSeq, long toSeq, String cause) {}

  /** A dead letter with its provenance. */
  public record DeadLetterRef(String reason, String detail, String mqttTopic, String component, long partition,
      long offset) {}

  public AuditReport {
    runs = List.copyOf(runs);
    startedNotFinished = List.copyOf(startedNotFinished);
    finishedNotStored = List.copyOf(finishedNotStored);
    storedWithoutVerdict = List.copyOf(storedWithoutVerdict);
    notSubmitted = List.copyOf(notSubmitted);
    rejected = List.copyOf(rejected);
    dead = List.copyOf(dead);
    seqGaps = List.copyOf(seqGaps);
    deadLetters = Map.copyOf(deadLetters);
    deadLetterSamples = List.copyOf(deadLetterSamples);
  }

  public long deadLetterCount() {
    return deadLetters.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Nothing is missing: the audit exits 0 only then. Rejections are answers, so they do not make it incomplete. */
  public boolean complete() {
    return startedNotFinished.isEmpty() && finishedNotStored.isEmpty() && storedWithoutVerdict.isEmpty()
        && notSubmitted.isEmpty() && dead.isEmpty() && seqGaps.isEmpty() && deadLetterCount() == 0;
  }

  public long count(java.util.function.Predicate<Run> which) {
    return runs.stream().filter(which).count();
  }
}
