package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.audit.AuditReport;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a line test: wait for the verdicts of every run the stations started, audit once the sequence gaps
 * had their chance to fill, and check the shopfloor's side (each run accepted at most once).
 */
final class LineAudit {
  private static final Logger log = LoggerFactory.getLogger(LineAudit.class);
  /** The bridge's gap grace (5 s) and its resend request, before the first audit. */
  private static final Duration GAP_GRACE_PASSED = Duration.ofSeconds(7);

  private LineAudit() {
  }

  /**
   * The end of a cluster test: the stations stop their runs and stay online ({@code serve}, so a run kept without a
   * verdict is sent again, as on the line); then every run they started (at least {@code minRunsPerStation} each) is
   * audited clean (stored, finished, verdicted, no gap, no dead letter), accepted by the shopfloor exactly once and
   * stored with exactly the steps it counted. Returns how many runs that was.
   */
  static int assertLineClean(Pipeline pipeline, List<Station> stations, Instant from, int minRunsPerStation,
      Duration settle, Duration gapSettle) throws Exception {
    for (Station s : stations) {
      s.close();
    }
    for (Station s : stations) {
      s.serve();
    }
    Set<String> started = startedRunIds(stations);
    awaitVerdicts(pipeline, started, settle);
    AuditReport report = auditOnceGapsSettle(pipeline, from, gapSettle);
    assertThat(started).as("runs started at the stations").hasSizeGreaterThanOrEqualTo(stations.size()
        * minRunsPerStation);
    assertClean(report, started, Map.of());
    assertEachRunSubmittedOnce(pipeline, stations, started);
    assertStepsStoredOnce(pipeline, started);
    log.info("audit clean: {} runs started, stored once, finished, with a verdict, accepted once", started.size());
    return started.size();
  }

  /** Every run the stations' agents started (their journals' run ids). */
  static Set<String> startedRunIds(List<Station> stations) throws IOException {
    Set<String> started = new TreeSet<>();
    for (Station s : stations) {
      started.addAll(s.startedRunIds());
    }
    return started;
  }

  /**
   * Waits up to {@code settle} until every run in {@code runIds} is stored finished with a verdict; the runs still
   * missing then are left for the audit to report.
   */
  static void awaitVerdicts(Pipeline pipeline, Set<String> runIds, Duration settle) {
    Set<String> missing = new HashSet<>(runIds);
    try {
      await().atMost(settle).pollInterval(Duration.ofMillis(500)).until(() -> {
        missing.removeAll(withVerdict(pipeline));
        return missing.isEmpty();
      });
    } catch (ConditionTimeoutException e) {
      log.info("{} runs still without a stored verdict after {}", missing.size(), settle);
    }
    log.info("{} of {} runs have a stored verdict", runIds.size() - missing.size(), runIds.size());
  }

  /** The runs stored finished with a verdict; none while the database cannot be read. */
  private static Set<String> withVerdict(Pipeline pipeline) {
    Set<String> found = new HashSet<>();
    try (Connection c = connect(pipeline);
         PreparedStatement ps = c.prepareStatement("SELECT v.run_id FROM verdicts v JOIN runs r USING (run_id)"
             + " WHERE r.finished");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        found.add(rs.getString(1));
      }
    } catch (SQLException e) {
      log.info("database not ready yet: {}", e.getMessage());
    }
    return found;
  }

  /**
   * The audit, once the gaps the bridge found had their chance to fill: the bridge's gap grace (5 s) passes, it asks
   * the station for the missing seqs, the station sends them again and the bridge records the gap FILLED. A gap still
   * open after {@code gapSettle} stays in the report.
   */
  static AuditReport auditOnceGapsSettle(Pipeline pipeline, Instant from, Duration gapSettle) throws Exception {
    AtomicReference<AuditReport> last = new AtomicReference<>();
    try {
      await().pollDelay(GAP_GRACE_PASSED).pollInterval(Duration.ofSeconds(3)).atMost(GAP_GRACE_PASSED.plus(gapSettle))
          .until(() -> {
            AuditReport report = pipeline.audit(from, Instant.now().plusSeconds(1));
            last.set(report);
            if (!report.seqGaps().isEmpty()) {
              log.info("{} sequence gap(s) still open, waiting for the stations to send them again: {}",
                  report.seqGaps().size(), report.seqGaps());
            }
            return report.seqGaps().isEmpty();
          });
    } catch (ConditionTimeoutException e) {
      log.info("sequence gaps still open after {}: they stay in the report", gapSettle);
    }
    return last.get() != null ? last.get() : pipeline.audit(from, Instant.now().plusSeconds(1));
  }

  /**
   * The audit found every run the stations started, each finished, stored and with a shopfloor verdict, none dead, no
   * sequence gap, and exactly {@code deadLetters} (reason → count) dead-lettered.
   */
  static void assertClean(AuditReport report, Set<String> started, Map<String, Long> deadLetters) {
    Set<String> audited = report.runs().stream().map(r -> r.runId().toString())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(audited).as("runs in the audit = runs started at the stations").isEqualTo(started);
    assertThat(report.startedNotFinished()).as("started, not finished").isEmpty();
    assertThat(report.finishedNotStored()).as("finished, not stored").isEmpty();
    assertThat(report.storedWithoutVerdict()).as("stored without verdict").isEmpty();
    assertThat(report.notSubmitted()).as("not submitted").isEmpty();
    assertThat(report.dead()).as("dead at the shopfloor").isEmpty();
    assertThat(report.seqGaps()).as("sequence gaps").isEmpty();
    assertThat(new TreeMap<>(report.deadLetters())).as("dead letters").isEqualTo(new TreeMap<>(deadLetters));
  }

  /** The shopfloor accepted each run at most once, whatever was retried or redelivered. */
  static void assertNoDoubleEffects(Pipeline pipeline, List<Station> stations, Set<String> started) {
    Map<String, Integer> acceptances = new LinkedHashMap<>();
    for (Station s : stations) {
      for (Station.Attempt a : s.attempts()) {
        for (String runId : pipeline.simulator().acceptedRuns(a.serialNumber())) {
          acceptances.merge(runId, 1, Integer::sum);
        }
      }
    }
    assertThat(acceptances.entrySet().stream().filter(e -> e.getValue() > 1).toList())
        .as("runs the shopfloor accepted more than once").isEmpty();
    assertThat(started).containsAll(acceptances.keySet());
  }

  /**
   * Each run the stations started took effect at the shopfloor exactly once: accepted under its one idempotency key
   * (repeats of that key are answered, not applied) and never under another. For lines where no run is refused.
   */
  static void assertEachRunSubmittedOnce(Pipeline pipeline, List<Station> stations, Set<String> started) {
    Map<String, Integer> acceptances = new TreeMap<>();
    for (Station s : stations) {
      for (Station.Attempt a : s.attempts()) {
        for (String runId : pipeline.simulator().acceptedRuns(a.serialNumber())) {
          acceptances.merge(runId, 1, Integer::sum);
        }
      }
    }
    assertThat(acceptances.keySet()).as("runs the shopfloor accepted").isEqualTo(started);
    assertThat(acceptances.entrySet().stream().filter(e -> e.getValue() != 1).toList())
        .as("runs the shopfloor accepted more than once").isEmpty();
    assertThat(pipeline.simulator().stats().doubleEffects()).as("runs accepted under two keys").isZero();
  }

  /**
   * Every finished run of {@code runIds} has exactly the steps its run.finished counted stored, no more (a step
   * stored twice under another index) and no fewer.
   */
  static void assertStepsStoredOnce(Pipeline pipeline, Set<String> runIds) throws SQLException {
    Map<String, String> mismatched = new TreeMap<>();
    try (Connection c = connect(pipeline);
         PreparedStatement ps = c.prepareStatement("SELECT r.run_id, (r.counts->>'steps')::int, count(s.step_index)"
             + " FROM runs r LEFT JOIN steps s USING (run_id) WHERE r.finished GROUP BY r.run_id, r.counts");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (runIds.contains(rs.getString(1)) && rs.getInt(2) != rs.getInt(3)) {
          mismatched.put(rs.getString(1), "counted " + rs.getInt(2) + ", stored " + rs.getInt(3));
        }
      }
    }
    assertThat(mismatched).as("runs whose stored steps differ from their run.finished's count").isEmpty();
  }

  static Connection connect(Pipeline pipeline) throws SQLException {
    return DriverManager.getConnection(pipeline.jdbcUrl(), pipeline.postgres().user(),
        pipeline.postgres().password());
  }
}
