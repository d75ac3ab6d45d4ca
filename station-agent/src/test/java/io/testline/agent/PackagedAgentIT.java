package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The station's own distribution ({@code target/testline-agent}), started by its launcher as a station PC does. */
@ExtendWith(RealBrokers.class)
class PackagedAgentIT {
  private static final Path HOME = Path.of(System.getProperty("testline.agent.dist", "target/testline-agent"));

  @Test
  void the_packaged_agent_holds_no_kafka_or_server_database_driver_and_runs_the_example_test(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    try (Stream<Path> jars = Files.list(HOME.resolve("lib"))) {
      List<String> names = jars.map(p -> p.getFileName().toString()).toList();
      assertThat(names).contains("org.eclipse.paho.mqttv5.client-1.2.5.jar").anyMatch(n -> n.startsWith("sqlite-jdbc"))
          .noneMatch(n -> n.startsWith("kafka")).noneMatch(n -> n.startsWith("postgresql"));
    }
    TestStation station = new TestStation(tmp, broker, null);
    Path out = tmp.resolve("agent.out");
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      Process agent = new ProcessBuilder(HOME.resolve("bin/testline-agent").toString(), "run", "-c",
          station.configFile.toString(), "--serial", "SN-PACKAGED-1", "--", "python3",
          HOME.resolve("examples/example_test.py").toString(), "--fail")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(agent.exitValue()).as(output).isEqualTo(1);
      assertThat(output).contains("testline: SN-PACKAGED-1 FAIL");
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished finished = monitor.finished(f -> true).get(0).data();
      assertThat(finished.serialNumber()).isEqualTo("SN-PACKAGED-1");
      assertThat(finished.outcome()).isEqualTo(RunOutcome.FAIL);
    }
  }
}
