package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Event;
import io.testline.schemas.RunStarted;
import io.testline.schemas.StationHeartbeat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The station heartbeat tells monitors what the station is testing right now. */
@ExtendWith(RealBrokers.class)
class HeartbeatIT {

  @Test
  void heartbeat_during_a_run_carries_its_run_id_serial_number_and_last_step(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    Path go = tmp.resolve("go");
    Path script = station.script("waits.py", """
        import json, os, time
        with open(os.environ["TESTLINE_RESULTS_FILE"], "a") as f:
            f.write(json.dumps({"type": "step", "name": "3V3 rail", "path": "Power/Rails/3V3", "outcome": "PASS"})
                    + "\\n")
        while not os.path.exists("%s"):
            time.sleep(0.05)
        """.formatted(go));
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      CompletableFuture<TestStation.Result> run = CompletableFuture.supplyAsync(
          () -> station.run("SN-BEAT-1", "--", "python3", script.toString()));
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.distinct(RunStarted.class).isEmpty());
        UUID runId = monitor.distinct(RunStarted.class).get(0).data().runId();

        await().atMost(Duration.ofSeconds(30)).until(() -> monitor.distinct(StationHeartbeat.class).stream()
            .map(Event::data).anyMatch(h -> "Power/Rails/3V3".equals(h.activeStep())));

        StationHeartbeat beat = monitor.distinct(StationHeartbeat.class).stream().map(Event::data)
            .filter(h -> h.activeStep() != null).findFirst().orElseThrow();
        assertThat(beat.activeRunId()).isEqualTo(runId);
        assertThat(beat.activeSerialNumber()).isEqualTo("SN-BEAT-1");
      } finally {
        Files.createFile(go);
      }
      assertThat(run.get().exitCode()).as(run.get().err()).isZero();
    }
  }
}
