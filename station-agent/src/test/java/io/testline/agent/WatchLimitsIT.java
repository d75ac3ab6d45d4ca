package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.StationBirth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code watch} reads no result file larger than its bound and none through a symbolic link; neither is lost. */
@ExtendWith(RealBrokers.class)
class WatchLimitsIT {
  @Test
  void an_oversize_file_and_a_symbolic_link_are_set_aside_with_the_reason_and_a_normal_file_is_published(
      MqttBroker broker, @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        watch:
          poll: 100ms
          settle: 0s
          maxFileBytes: 1KiB
        """);
    Path folder = Files.createDirectories(tmp.resolve("results"));
    Path secret = Files.writeString(tmp.resolve("secret.json"), "{\"serialNumber\": \"SN-SECRET\"}");
    try (EventCollector monitor = new EventCollector(broker, station.stationId);
         AgentJvm agent = AgentJvm.start(tmp.resolve("agent.out"), "watch", folder.toString(), "--config",
             station.configFile.toString())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.distinct(StationBirth.class).isEmpty());
      Path big = Files.writeString(folder.resolve("big.json"), "{\"serialNumber\": \"SN-BIG\", \"errorMessage\": \""
          + "x".repeat(2000) + "\"}");
      long bigSize = Files.size(big);
      Path link = Files.createSymbolicLink(folder.resolve("link.json"), secret);
      Files.writeString(folder.resolve("ok.json"), "{\"serialNumber\": \"SN-OK\", \"outcome\": \"PASS\"}");

      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.finished(f -> true).isEmpty()
          && Files.exists(reason(big)) && Files.exists(reason(link)));
      assertThat(Files.readString(reason(big))).contains("over watch.maxFileBytes 1024");
      assertThat(Files.readString(reason(link))).contains("it is a symbolic link");
      assertThat(big.resolveSibling("big.json.rejected")).as("kept whole").hasSize(bigSize);
      assertThat(secret).as("the link's target is untouched").hasContent("{\"serialNumber\": \"SN-SECRET\"}");
      assertThat(monitor.finished(f -> true)).extracting(e -> e.data().serialNumber()).containsExactly("SN-OK");
      assertThat(agent.stop()).as(agent.output()).isZero();
    }
  }

  private static Path reason(Path file) {
    return file.resolveSibling(file.getFileName() + ".rejected.reason.txt");
  }
}
