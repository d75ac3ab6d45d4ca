package io.testline.shopfloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Ids;
import io.testline.schemas.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Eligibility, leases and fencing of the ledger, against a real PostgreSQL. */
@ExtendWith(RealBrokers.class)
class LedgerIT {
  private static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);
  private HikariDataSource dataSource;
  private Ledger ledger;
  private long offset;

  @BeforeEach
  void open(Database db) {
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(db.jdbcUrl());
    dataSource.setUsername(db.user());
    dataSource.setPassword(db.password());
    Ledger.migrate(dataSource);
    ledger = new Ledger(dataSource);
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  private NewRun run(String sn, Instant finishedAt) {
    return new NewRun(Ids.newId(), sn, "FCT-1", finishedAt, "t.events", 0, offset++, Ids.newId(), new byte[] {'{', '}'});
  }

  @Test
  void only_the_oldest_unfinished_run_of_a_unit_is_claimed_and_units_go_in_parallel() throws Exception {
    NewRun retest = run("SN-1", NOW.minusSeconds(10));
    NewRun earlier = run("SN-1", NOW.minusSeconds(60));
    NewRun other = run("SN-2", NOW.minusSeconds(30));
    assertThat(ledger.insert(List.of(retest, earlier, other), NOW)).isEqualTo(3);
    assertThat(ledger.insert(List.of(retest), NOW)).as("redelivery is ignored").isZero();

    List<Claim> claims = ledger.claimDue(NOW, 10, LEASE);
    assertThat(claims).extracting(Claim::runId).containsExactlyInAnyOrder(earlier.runId(), other.runId());
    assertThat(ledger.claimDue(NOW, 10, LEASE)).as("the retest waits behind the earlier run in flight").isEmpty();

    Claim first = claims.stream().filter(c -> c.runId().equals(earlier.runId())).findFirst().orElseThrow();
    assertThat(ledger.recordVerdict(first, Verdict.ACCEPTED, null, null, "SF-1", null, NOW)).isTrue();
    assertThat(ledger.claimDue(NOW, 10, LEASE)).extracting(Claim::runId).containsExactly(retest.runId());
  }

  @Test
  void a_run_whose_serial_holds_a_nul_or_a_lone_surrogate_is_recorded_readably_and_submitted_with_its_exact_payload()
      throws Exception {
    byte[] payload = "{\"serialNumber\":\"SN\\u0000-\\ud800\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    NewRun odd = new NewRun(Ids.newId(), "SN\u0000-\ud800", "FCT-1", NOW.minusSeconds(5), "t.events", 0, offset++,
        Ids.newId(), payload);
    assertThat(ledger.insert(List.of(odd), NOW)).as("recorded, not refused by PostgreSQL").isEqualTo(1);

    List<Claim> claims = ledger.claimDue(NOW, 10, LEASE);
    assertThat(claims).extracting(Claim::runId).containsExactly(odd.runId());
    assertThat(claims.get(0).serialNumber()).isEqualTo("SN\u2400-\ufffd");
    assertThat(claims.get(0).payload()).as("the shopfloor gets the bytes the station sent").isEqualTo(payload);
    assertThat(ledger.recordVerdict(claims.get(0), Verdict.REJECTED, "R\u0000", "bad\u0000unit", "SF\u0000",
        "HTTP 422 \u0000", NOW)).isTrue();
  }

  @Test
  void a_rescheduled_run_keeps_its_unit_waiting_until_it_is_due_again() throws Exception {
    NewRun earlier = run("SN-1", NOW.minusSeconds(60));
    NewRun retest = run("SN-1", NOW.minusSeconds(10));
    ledger.insert(List.of(earlier, retest), NOW);
    Claim claim = ledger.claimDue(NOW, 10, LEASE).get(0);
    assertThat(ledger.reschedule(claim, NOW.plusSeconds(5), "HTTP 503", NOW)).isTrue();

    assertThat(ledger.claimDue(NOW.plusSeconds(1), 10, LEASE)).isEmpty();
    List<Claim> again = ledger.claimDue(NOW.plusSeconds(5), 10, LEASE);
    assertThat(again).extracting(Claim::runId).containsExactly(earlier.runId());
    assertThat(again.get(0).attempts()).isEqualTo(2);
    assertThat(again.get(0).firstAttemptAt()).isEqualTo(NOW);
  }

  @Test
  void an_expired_lease_is_claimed_again_and_the_stale_attempt_cannot_overwrite_it() throws Exception {
    ledger.insert(List.of(run("SN-1", NOW)), NOW);
    Claim crashed = ledger.claimDue(NOW, 10, LEASE).get(0);
    assertThat(ledger.claimDue(NOW.plus(LEASE).minusMillis(1), 10, LEASE)).isEmpty();

    Claim reclaimed = ledger.claimDue(NOW.plus(LEASE), 10, LEASE).get(0);
    assertThat(reclaimed.attempts()).isEqualTo(2);
    assertThat(ledger.recordVerdict(crashed, Verdict.REJECTED, "X", "late", null, null, NOW)).isFalse();
    assertThat(ledger.recordVerdict(reclaimed, Verdict.ACCEPTED, null, null, "SF-2", null, NOW)).isTrue();
    assertThat(ledger.unpublishedVerdicts(10)).singleElement()
        .satisfies(v -> assertThat(v.verdict()).isEqualTo(Verdict.ACCEPTED));
  }

  @Test
  void every_answered_attempt_is_kept_in_the_runs_history_and_a_stale_answer_adds_none() throws Exception {
    NewRun r = run("SN-H", NOW);
    ledger.insert(List.of(r), NOW);
    Claim first = ledger.claimDue(NOW, 10, LEASE).get(0);
    assertThat(ledger.reschedule(first, NOW.plusSeconds(2), "HTTP 503 busy", NOW.plusSeconds(1))).isTrue();
    Claim second = ledger.claimDue(NOW.plusSeconds(2), 10, LEASE).get(0);
    assertThat(ledger.reschedule(first, NOW.plusSeconds(9), "late", NOW.plusSeconds(3))).as("stale").isFalse();
    assertThat(ledger.recordVerdict(second, Verdict.ACCEPTED, null, null, "SF-7", null, NOW.plusSeconds(3)))
        .isTrue();

    List<String> history = new java.util.ArrayList<>();
    try (var c = dataSource.getConnection(); var ps = c.prepareStatement("SELECT attempt, answered_at, outcome,"
        + " message, reference, next_attempt_at FROM shopfloor_attempt WHERE run_id = ? ORDER BY attempt")) {
      ps.setObject(1, r.runId());
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          history.add(rs.getInt(1) + " " + rs.getObject(2, java.time.OffsetDateTime.class).toInstant() + " "
              + rs.getString(3) + " " + rs.getString(4) + " " + rs.getString(5) + " "
              + (rs.getObject(6) == null ? null : rs.getObject(6, java.time.OffsetDateTime.class).toInstant()));
        }
      }
    }
    assertThat(history).containsExactly(
        "1 " + NOW.plusSeconds(1) + " RETRY HTTP 503 busy null " + NOW.plusSeconds(2),
        "2 " + NOW.plusSeconds(3) + " ACCEPTED null SF-7 null");
  }

  @Test
  void a_released_claim_does_not_count_as_an_attempt() throws Exception {
    ledger.insert(List.of(run("SN-1", NOW)), NOW);
    Claim claim = ledger.claimDue(NOW, 10, LEASE).get(0);
    assertThat(ledger.release(claim, NOW.plusMillis(250))).isTrue();
    Claim next = ledger.claimDue(NOW.plusSeconds(1), 10, LEASE).get(0);
    assertThat(next.attempts()).isEqualTo(1);
    assertThat(next.firstAttemptAt()).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void published_verdicts_are_marked_and_dead_runs_are_listed_and_redriven() throws Exception {
    NewRun a = run("SN-1", NOW);
    NewRun b = run("SN-2", NOW);
    ledger.insert(List.of(a, b), NOW);
    for (Claim c : ledger.claimDue(NOW, 10, LEASE)) {
      ledger.recordVerdict(c, Verdict.DEAD, "DEADLINE", "gave up", null, "connect refused", NOW.plusSeconds(5));
    }
    List<PendingVerdict> pending = ledger.unpublishedVerdicts(10);
    assertThat(pending).hasSize(2).allSatisfy(v -> assertThat(v.latencyMs()).isEqualTo(5000));
    assertThat(ledger.markPublished(pending)).isEqualTo(2);
    assertThat(ledger.unpublishedVerdicts(10)).isEmpty();
    assertThat(ledger.listDead(10)).extracting(DeadRun::lastError).containsOnly("connect refused");
    assertThat(ledger.stats().count(SubmissionState.DEAD)).isEqualTo(2);

    UUID runId = a.runId();
    assertThat(ledger.redrive(runId, NOW.plusSeconds(10))).isTrue();
    assertThat(ledger.redrive(runId, NOW.plusSeconds(10))).as("no longer DEAD").isFalse();
    assertThat(ledger.redriveAllDead(NOW.plusSeconds(10))).isEqualTo(1);
    assertThat(ledger.stats().backlog()).isEqualTo(2);
    assertThat(ledger.claimDue(NOW.plusSeconds(10), 10, LEASE)).hasSize(2)
        .allSatisfy(c -> assertThat(c.attempts()).isEqualTo(2));
  }

  @Test
  void a_run_sent_again_after_its_verdict_gets_the_same_verdict_published_again_without_a_new_submission()
      throws Exception {
    NewRun run = run("SN-1", NOW);
    ledger.insert(List.of(run), NOW);
    Claim claim = ledger.claimDue(NOW, 10, LEASE).get(0);
    ledger.recordVerdict(claim, Verdict.ACCEPTED, null, null, "SF-9", null, NOW.plusSeconds(1));
    List<PendingVerdict> first = ledger.unpublishedVerdicts(10);
    ledger.markPublished(first);

    assertThat(ledger.insert(List.of(run), NOW.plusSeconds(60))).as("not a new run").isZero();
    assertThat(ledger.unpublishedVerdicts(10)).singleElement().satisfies(v -> {
      assertThat(v.runId()).isEqualTo(run.runId());
      assertThat(v.eventId()).as("the same verdict event").isEqualTo(first.get(0).eventId());
    });
    assertThat(ledger.claimDue(NOW.plusSeconds(60), 10, LEASE)).as("the shopfloor is not asked again").isEmpty();
  }
}
