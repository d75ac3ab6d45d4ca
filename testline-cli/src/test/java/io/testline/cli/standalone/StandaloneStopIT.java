package io.testline.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One owner of shutdown: on SIGTERM the services stop before the servers they use, quickly and quietly. */
class StandaloneStopIT {

  @TempDir
  Path tmp;

  @Test
  void sigterm_stops_the_services_before_the_servers_quickly_with_no_warning() throws Exception {
    Path data = tmp.resolve("data");
    try (StandaloneProcess standalone = StandaloneProcess.start(data, StandaloneProcess.Ports.free(),
        tmp.resolve("standalone.out"))) {
      standalone.awaitRunning();
      String stop = standalone.terminateQuietly();
      List<String> order = List.of("bridge standalone stopped", "shopfloor bridge", "result consumer stopped",
          StandaloneProcess.runsMosquitto() ? "mosquitto on port" : "HiveMQ on port", "Kafka broker on",
          "PostgreSQL on port");
      int previous = -1;
      for (String line : order) {
        int at = stop.indexOf(line);
        assertThat(at).as("'%s' after the previous step in:%n%s", line, stop).isGreaterThan(previous);
        previous = at;
      }
      assertThat(StandaloneProcess.processesOn(data)).as("no server left").isEmpty();
    }
  }
}
