package io.testline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.audit.AuditReport.Gap;
import io.testline.audit.Reconciler.SeenRun;
import io.testline.audit.Reconciler.StoredRun;
import io.testline.schemas.SeqGap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  private static final Instant FROM = Instant.parse("2026-12-03T06:00:00Z");
  private static final Instant TO = Instant.parse("2026-12-03T07:00:00Z");
  private static final UUID DONE = UUID.randomUUID();
  private static final UUID REJECTED = UUID.randomUUID();

  private static SeenRun seen(UUID id, boolean finished) {
    return new SeenRun(id, "SN-" + id.toString().substring(0, 4), "FCT-01", true, finished, finished ? "PASS" : null);
  }

  private static AuditReport reconcile(List<SeenRun> seen, Map<UUID, StoredRun> stored, Map<UUID, String> ledger,
      List<Gap> gaps, Map<String, Long> deadLetters) {
    return Reconciler.reconcile(FROM, TO, TO, seen, stored, ledger, gaps, deadLetters, List.of());
  }

  @Test
  void a_window_whose_runs_are_all_stored_with_verdicts_is_complete_even_with_a_rejection() {
    AuditReport report = reconcile(List.of(seen(DONE, true), seen(REJECTED, true)),
        Map.of(DONE, new StoredRun(true, "ACCEPTED", null, null),
            REJECTED, new StoredRun(true, "REJECTED", "ROUTE-STEP", "unit is at FCT")),
        Map.of(DONE, "ACCEPTED", REJECTED, "REJECTED"), List.of(), Map.of());
    assertThat(report.complete()).isTrue();
    assertThat(report.rejected()).extracting(AuditReport.Run::runId).containsExactly(REJECTED);
    assertThat(report.rejected().get(0).verdictCode()).isEqualTo("ROUTE-STEP");
  }

  @Test
  void lists_each_kind_of_incompleteness_and_is_then_incomplete() {
    UUID lost = UUID.randomUUID();
    UUID notStored = UUID.randomUUID();
    UUID noVerdict = UUID.randomUUID();
    UUID dead = UUID.randomUUID();
    AuditReport report = reconcile(
        List.of(seen(lost, false), seen(notStored, true), seen(noVerdict, true), seen(dead, true)),
        Map.of(noVerdict, new StoredRun(true, null, null, null), dead, new StoredRun(true, "DEAD", null, "gave up")),
        Map.of(notStored, "ACCEPTED", noVerdict, "PENDING", dead, "DEAD"), List.of(), Map.of());
    assertThat(report.complete()).isFalse();
    assertThat(report.startedNotFinished()).extracting(AuditReport.Run::runId).containsExactly(lost);
    assertThat(report.finishedNotStored()).extracting(AuditReport.Run::runId).containsExactly(notStored);
    assertThat(report.storedWithoutVerdict()).extracting(AuditReport.Run::runId).containsExactly(notStored, noVerdict);
    assertThat(report.dead()).extracting(AuditReport.Run::runId).containsExactly(dead);
    assertThat(report.notSubmitted()).isEmpty();
  }

  @Test
  void a_finished_run_missing_from_the_ledger_was_never_submitted() {
    AuditReport report = reconcile(List.of(seen(DONE, true)),
        Map.of(DONE, new StoredRun(true, null, null, null)), Map.of(), List.of(), Map.of());
    assertThat(report.notSubmitted()).extracting(AuditReport.Run::runId).containsExactly(DONE);
    assertThat(report.complete()).isFalse();
  }

  @Test
  void a_sequence_gap_or_a_dead_letter_makes_the_window_incomplete() {
    Map<UUID, StoredRun> stored = Map.of(DONE, new StoredRun(true, "ACCEPTED", null, null));
    Map<UUID, String> ledger = Map.of(DONE, "ACCEPTED");
    assertThat(reconcile(List.of(seen(DONE, true)), stored, ledger,
        List.of(new Gap("FCT-01", "s", 2, 2, "TIMEOUT")), Map.of()).complete()).isFalse();
    AuditReport withDeadLetter = reconcile(List.of(seen(DONE, true)), stored, ledger, List.of(),
        Map.of("MALFORMED_JSON", 2L));
    assertThat(withDeadLetter.complete()).isFalse();
    assertThat(withDeadLetter.deadLetterCount()).isEqualTo(2);
  }

  @Test
  void a_gap_closed_by_a_later_filled_record_is_not_open_and_other_gaps_stay() {
    Gap resent = new Gap("FCT-01", "s1", 1, 8, "SESSION_ENDED");
    Gap lost = new Gap("FCT-01", "s2", 3, 3, "TIMEOUT");
    Gap partlyResent = new Gap("FCT-02", "s3", 1, 4, "TIMEOUT");
    List<Gap> open = Reconciler.openGaps(List.of(resent, lost, partlyResent,
        new Gap("FCT-01", "s1", 1, 8, SeqGap.FILLED), new Gap("FCT-02", "s3", 1, 2, SeqGap.FILLED)));
    assertThat(open).containsExactly(lost, partlyResent);
  }

  @Test
  void a_gap_whose_every_seq_kafka_holds_is_no_gap_one_with_a_seq_kafka_lacks_stays() {
    Gap artefact = new Gap("FCT-01", "s1", 1, 3, "TIMEOUT"); // a detector without its state after a restart
    Gap real = new Gap("FCT-01", "s1", 7, 8, "TIMEOUT");
    Gap otherSession = new Gap("FCT-02", "s2", 0, 0, "SESSION_ENDED");
    java.util.Map<String, java.util.Set<Long>> held = java.util.Map.of(
        Reconciler.session("FCT-01", "s1"), java.util.Set.of(0L, 1L, 2L, 3L, 4L, 7L),
        Reconciler.session("FCT-03", "s2"), java.util.Set.of(0L));
    assertThat(Reconciler.notHeld(List.of(artefact, real, otherSession), held)).containsExactly(real, otherSession);
  }
}
