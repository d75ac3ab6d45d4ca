package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunFinished;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results channel is read in bounded memory: a line longer than the agent's whole heap is skipped with its reason
 * instead of being held, and the file keeps it.
 */
@ExtendWith(RealBrokers.class)
class ResultsLimitsIT {
  private static final long LINE_BYTES = 100_000_000;

  @Test
  void a_results_line_larger_than_the_64_MiB_heap_is_skipped_with_its_reason_and_the_next_step_is_kept(
      MqttBroker broker, @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    // streamed by head/tr: the test JVM never holds the line either
    Path program = station.script("huge_line.sh", """
        #!/bin/sh
        head -c %d /dev/zero | tr '\\000' x >> "$TESTLINE_RESULTS_FILE"
        echo >> "$TESTLINE_RESULTS_FILE"
        echo '{"type": "step", "name": "after", "outcome": "PASS"}' >> "$TESTLINE_RESULTS_FILE"
        """.formatted(LINE_BYTES));
    try (EventCollector monitor = new EventCollector(broker, station.stationId);
         AgentJvm agent = AgentJvm.start(tmp.resolve("agent.out"), "run", "--config", station.configFile.toString(),
             "--serial", "SN-HUGE-1", "--workdir", station.dir.toString(), "--", program.toString())) {
      assertThat(agent.waitFor(Duration.ofSeconds(120))).as(agent.output()).isEqualTo(AgentExitCodes.PASS);
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished finished = monitor.finished(f -> true).get(0).data();
      assertThat(finished.steps()).extracting(s -> s.name()).containsExactly("after");
      assertThat(monitor.logLines(finished.runId(), LogStream.AGENT)).anyMatch(l -> l.startsWith(
          "results.jsonl line 1 ignored: oversize: " + LINE_BYTES + " bytes, over the limit of 1000000 for one line"));
      assertThat(agent.output()).doesNotContain("OutOfMemoryError");
      assertThat(station.runDir(finished.runId()).resolve("results.jsonl")).as("the file keeps the line")
          .satisfies(f -> assertThat(Files.size(f)).isGreaterThan(LINE_BYTES));
    }
  }
}
