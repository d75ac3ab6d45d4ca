package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.brokers.junit.RequiredTools;
import io.testline.audit.AuditReport;
import io.testline.cli.audit.AuditReportWriter;
import io.testline.schemas.DeadLetterReason;
import io.testline.shopfloor.simulator.Faults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline under a steady stream of runs from stations with real agents, while faults are injected one
 * at a time, then at random for {@code testline.faults.duration}. In {@code mvn verify} (the CI profile) that
 * duration is 0: every fault once, one at a time; {@code -Dtestline.faults.duration=2h} is the long run. At the end
 * the audit must find every run a station started stored, finished and with a shopfloor verdict, each accepted once
 * by the shopfloor, no sequence gap, and exactly the rogue client's dead letters.
 */
class FaultInjectionIT {
  private static final Logger log = LoggerFactory.getLogger(FaultInjectionIT.class);
  private static final Duration SETTLE = Duration.ofMinutes(3);
  private static final Duration GAP_SETTLE = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  private Pipeline pipeline;
  private final List<Station> stations = new ArrayList<>();
  private final Map<DeadLetterReason, Integer> expectedDeadLetters = new TreeMap<>();
  private final List<String> injected = new ArrayList<>();
  private Path smallDisk;
  private Station diskStation;
  private Station powerStation;

  @Test
  void every_run_started_under_faults_is_stored_once_with_a_verdict_and_nothing_is_unexplained() throws Exception {
    // the suite kills mosquitto with kill -9 and restarts it, which a broker inside the test JVM cannot stand for
    RequiredTools.require("mosquitto");
    Duration random = Duration.parse("PT" + System.getProperty("testline.faults.duration", "0s").toUpperCase());
    Instant from = Instant.now().minusSeconds(1);
    pipeline = new Pipeline(tmp.resolve("pipeline"), Pipeline.Options.defaults());
    try {
      startStations();
      for (Station s : stations) {
        s.awaitAttempts(1, 90_000);
      }
      for (Fault fault : Fault.values()) {
        inject(fault);
        progress();
      }
      Random rnd = new Random();
      Instant end = Instant.now().plus(random);
      List<Fault> repeatable = List.of(Fault.KILL_BRIDGE, Fault.KILL_CONSUMER, Fault.KILL_SHOPFLOOR_BRIDGE,
          Fault.RESTART_MQTT, Fault.STOP_KAFKA, Fault.STOP_POSTGRES, Fault.SHOPFLOOR_OUTAGE, Fault.SHOPFLOOR_5XX,
          Fault.POWER_LOSS);
      while (Instant.now().isBefore(end)) {
        inject(repeatable.get(rnd.nextInt(repeatable.size())));
        Thread.sleep(1000 + rnd.nextInt(4000));
      }
      for (Station s : stations) {
        s.close();
      }
      log.info("faults injected: {}", injected);
      // the stations stay online between runs, as on the line: a run kept without a verdict is sent again
      for (Station s : stations) {
        s.serve();
      }

      Set<String> started = LineAudit.startedRunIds(stations);
      LineAudit.awaitVerdicts(pipeline, started, SETTLE);
      AuditReport report = LineAudit.auditOnceGapsSettle(pipeline, from, GAP_SETTLE);
      String markdown = AuditReportWriter.write(report, tmp.resolve("audit"));
      log.info("audit of the fault run:\n{}", markdown);

      assertThat(started).as("runs started at the stations").hasSizeGreaterThanOrEqualTo(stations.size() * 4);
      Map<String, Long> expected = new TreeMap<>();
      expectedDeadLetters.forEach((reason, n) -> expected.put(reason.name(), (long) n));
      LineAudit.assertClean(report, started, expected);
      LineAudit.assertNoDoubleEffects(pipeline, stations, started);
      assertCompleteRunsHaveAllTheirSteps();
    } finally {
      for (Station s : stations) {
        s.close();
      }
      pipeline.close();
      if (smallDisk != null) {
        new ProcessBuilder("umount", "-l", smallDisk.toString()).inheritIO().start().waitFor();
      }
    }
  }

  private enum Fault {
    KILL_BRIDGE, KILL_CONSUMER, KILL_SHOPFLOOR_BRIDGE, RESTART_MQTT, STOP_KAFKA, STOP_POSTGRES, SHOPFLOOR_OUTAGE,
    SHOPFLOOR_5XX, POWER_LOSS, DISK_FULL, ROGUE_CLIENT
  }

  private void inject(Fault fault) throws Exception {
    log.info("injecting {}", fault);
    injected.add(fault.name());
    switch (fault) {
      case KILL_BRIDGE -> crash(pipeline.bridge());
      case KILL_CONSUMER -> crash(pipeline.consumer());
      case KILL_SHOPFLOOR_BRIDGE -> crash(pipeline.shopfloorBridge());
      case RESTART_MQTT -> {
        pipeline.mosquitto().killHard();
        Thread.sleep(2_000);
        pipeline.mosquitto().start();
      }
      case STOP_KAFKA -> {
        pipeline.kafka().stop();
        Thread.sleep(8_000);
        pipeline.kafka().start();
      }
      case STOP_POSTGRES -> {
        pipeline.postgres().stop();
        Thread.sleep(8_000);
        pipeline.postgres().start();
      }
      case SHOPFLOOR_OUTAGE -> {
        pipeline.simulator().down();
        Thread.sleep(8_000);
        pipeline.simulator().up();
      }
      case SHOPFLOOR_5XX -> {
        pipeline.simulator().setFaults(Faults.NONE.withErrorRate(0.7).withDropRate(0.1));
        Thread.sleep(8_000);
        pipeline.simulator().setFaults(Faults.NONE);
      }
      case POWER_LOSS -> powerLoss();
      case DISK_FULL -> diskFull();
      case ROGUE_CLIENT -> RogueClient.publishBadInput(pipeline.mqttUri(), "ROGUE-1", stations.get(0).stationId())
          .forEach((reason, n) -> expectedDeadLetters.merge(reason, n, Integer::sum));
    }
  }

  private static void crash(ServiceJvm service) throws Exception {
    service.kill9();
    Thread.sleep(1_000);
    service.start();
    service.awaitReady(120_000);
  }

  /** Pulls the plug of a station while its agent is inside a run (after its first output), then lets it reboot. */
  private void powerLoss() throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      Thread.sleep(50 + i % 7 * 30);
      if (powerStation.powerLoss()) {
        return;
      }
    }
    throw new IllegalStateException(powerStation.stationId() + " never had a run in progress to pull the plug on");
  }

  /** Fills the station's own small file system; its next runs must be refused; then frees it. */
  private void diskFull() throws Exception {
    if (smallDisk == null) {
      log.warn("DISK_FULL not injected: mounting a small tmpfs needs root");
      injected.set(injected.size() - 1, "DISK_FULL (skipped: not root)");
      return;
    }
    Path filler = smallDisk.resolve("filler.bin");
    byte[] block = new byte[64 * 1024];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException expected) {
      log.info("{} is full: {}", smallDisk, expected.getMessage());
    }
    int before = diskStation.attempts().size();
    diskStation.awaitAttempts(2, 90_000);
    List<Station.Attempt> refused = diskStation.attempts().subList(before, diskStation.attempts().size()).stream()
        .filter(a -> a.exitCode() == io.testline.agent.run.AgentExitCodes.REFUSED).toList();
    assertThat(refused).as("runs refused while the disk is full").isNotEmpty();
    assertThat(refused.get(0).output()).contains("RUN REFUSED: disk full");
    Files.delete(filler);
  }

  /** Every station finishes at least one more agent invocation: the stream keeps flowing between faults. */
  private void progress() throws InterruptedException {
    for (Station s : stations) {
      s.awaitAttempts(1, 120_000);
    }
  }

  private void startStations() throws Exception {
    Path base = tmp.resolve("stations");
    powerStation = new Station("FCT-01", base.resolve("FCT-01"), base.resolve("FCT-01/data"), pipeline.mqttUri(),
        "", List.of());
    stations.add(powerStation);
    Path disk = Files.createDirectories(base.resolve("FCT-02-disk"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", disk.toString())
        .redirectErrorStream(true).start();
    if (mount.waitFor() == 0) {
      smallDisk = disk;
    }
    diskStation = new Station("FCT-02", base.resolve("FCT-02"), disk.resolve("data"), pipeline.mqttUri(),
        "journal.minFreeDisk: 4MiB", List.of());
    stations.add(diskStation);
    // a station whose clock is an hour ahead, when libfaketime is installed (.ci/run installs it and requires it);
    // the monotonic clock is shifted too (a constant offset): with only the wall clock faked, Paho's connect always
    // timed out
    List<String> skew = RequiredTools.optional("faketime")
        .map(faketime -> List.of(faketime.toString(), "-f", "+1h")).orElse(List.of());
    if (skew.isEmpty()) {
      log.warn("clock skew not injected: faketime is not installed (apt-get install faketime)");
    } else {
      injected.add("CLOCK_SKEW +1h on FCT-03");
    }
    stations.add(new Station("FCT-03", base.resolve("FCT-03"), base.resolve("FCT-03/data"), pipeline.mqttUri(), "",
        skew));
    stations.forEach(Station::start);
  }

  /** A run the program finished (not one cut by a power loss) has its every step and measurement, once. */
  private void assertCompleteRunsHaveAllTheirSteps() throws SQLException {
    try (Connection c = LineAudit.connect(pipeline);
         PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM steps s WHERE s.run_id = r.run_id),"
             + " (SELECT count(*) FROM measurements m WHERE m.run_id = r.run_id) FROM runs r"
             + " WHERE r.run_id = ?::uuid")) {
      int checked = 0;
      for (Station s : stations) {
        for (Station.Attempt a : s.attempts()) {
          if (a.powerLost() || a.runId() == null || (a.exitCode() != 0 && a.exitCode() != 1)) {
            continue;
          }
          int expected = a.exitCode() == 0 ? 4 : 3;
          ps.setString(1, a.runId());
          try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as("run %s stored", a.runId()).isTrue();
            assertThat(rs.getInt(1)).as("steps of %s (exit %d)", a.runId(), a.exitCode()).isEqualTo(expected);
            assertThat(rs.getInt(2)).as("measurements of %s", a.runId()).isEqualTo(expected);
          }
          checked++;
        }
      }
      assertThat(checked).isPositive();
    }
  }

}
