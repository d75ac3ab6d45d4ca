package io.testline.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner of shutdown: on SIGTERM the services stop before the servers they use, quickly and quietly; the services
 * log to the data folder's logs/testline.log, never to the terminal.
 */
class StandaloneStopIT {

  @TempDir
  Path tmp;

  @Test
  void sigterm_stops_the_services_before_the_servers_quickly_with_no_warning_and_the_log_in_its_file() throws Exception {
    Path data = tmp.resolve("data");
    try (StandaloneProcess standalone = StandaloneProcess.start(data, StandaloneProcess.Ports.free(),
        tmp.resolve("standalone.out"))) {
      standalone.awaitRunning();
      Path log = data.resolve("logs/testline.log").toAbsolutePath();
      assertThat(standalone.output()).as("the log file is named with the endpoints")
          .contains("  service logs       " + log);
      standalone.terminateQuietly();
      String terminal = standalone.output();
      assertThat(terminal.lines().filter(l -> l.contains(" INFO ")))
          .as("no service log line on the terminal:%n%s", terminal).isEmpty();
      assertThat(terminal).contains("testline standalone: stopping", "testline standalone: stopped");
      String logged = Files.readString(log);
      assertThat(logged).contains(" INFO ", "testline standalone is up");
      assertThat(logged).as("Kafka's first-start notice is in the file").contains("Performing controller activation");
      assertThat(terminal).as("and not on the terminal").doesNotContain("Performing controller activation");
      String stop = logged.substring(logged.indexOf("testline standalone: stopping"));
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
