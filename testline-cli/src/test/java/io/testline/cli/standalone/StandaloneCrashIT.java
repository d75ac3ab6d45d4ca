package io.testline.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.junit.RequiredTools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of standalone leaves no server behind: its mosquitto and PostgreSQL die with it (a watcher process), and
 * when they could not (the watchers were killed too) the next start on the same folder stops them by their pid files
 * and serves. Where mosquitto is not installed standalone runs HiveMQ CE inside its own JVM, so PostgreSQL is its only
 * server process: the first test checks that one; the second, built on mosquitto's pid file, needs mosquitto.
 */
class StandaloneCrashIT {

  @TempDir
  Path tmp;

  @Test
  void the_servers_die_with_a_kill_9_of_standalone() throws Exception {
    Path data = tmp.resolve("data");
    try (StandaloneProcess first = StandaloneProcess.start(data, StandaloneProcess.Ports.free(),
        tmp.resolve("first.out"))) {
      first.awaitRunning();
      List<Long> servers = serverPids(data);

      first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);

      await("mosquitto and postgres gone after kill -9").atMost(Duration.ofSeconds(30))
          .until(() -> servers.stream().noneMatch(StandaloneProcess::alive));
      assertThat(StandaloneProcess.processesOn(data)).isEmpty();
    }
  }

  @Test
  void a_restart_after_kill_9_on_the_same_folder_stops_what_the_first_left_and_serves() throws Exception {
    RequiredTools.require("mosquitto");
    Path data = tmp.resolve("data");
    StandaloneProcess.Ports ports = StandaloneProcess.Ports.free();
    List<Long> orphans;
    try (StandaloneProcess first = StandaloneProcess.start(data, ports, tmp.resolve("first.out"))) {
      first.awaitRunning();
      orphans = serverPids(data);
      // the worst case: the JVM and its parent-death watchers die together, so nothing stops the servers now
      for (ProcessHandle watcher : first.children("testline-watch")) {
        watcher.destroyForcibly();
      }
      first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    await("the watchers gone").atMost(Duration.ofSeconds(10))
        .until(() -> StandaloneProcess.processesOn(data).stream().noneMatch(
            pid -> StandaloneProcess.commandLine(pid).contains("testline-watch")));
    assertThat(orphans).as("kill -9 left the servers running").allMatch(StandaloneProcess::alive);

    try (StandaloneProcess second = StandaloneProcess.start(data, ports, tmp.resolve("second.out"))) {
      second.awaitRunning();
      assertThat(orphans).as("no process of the first run is left").noneMatch(StandaloneProcess::alive);
      List<Long> servers = serverPids(data);
      assertThat(servers).doesNotContainAnyElementsOf(orphans);
      long mosquitto = StandaloneProcess.pidIn(data.resolve("mosquitto/mosquitto.pid")).orElseThrow();
      assertThat(servers).contains(mosquitto,
          StandaloneProcess.pidIn(data.resolve("postgres/postmaster.pid")).orElseThrow());
      assertThat(second.output()).contains("(pid " + mosquitto + ")");
      HttpResponse<String> stations = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + ports.api() + "/api/stations")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(stations.statusCode()).as(stations.body()).isEqualTo(200);

      // a second standalone on the folder in use is refused, not let loose on the same data
      try (StandaloneProcess intruder = StandaloneProcess.start(data, StandaloneProcess.Ports.free(),
          tmp.resolve("intruder.out"))) {
        assertThat(intruder.awaitExit(Duration.ofSeconds(90))).as(intruder.output()).isEqualTo(69);
        assertThat(intruder.output()).contains("data folder: " + data + " is in use by another process (pid "
            + second.pid() + ")");
      }
      assertThat(orphans).noneMatch(StandaloneProcess::alive);
      assertThat(serverPids(data)).containsExactlyInAnyOrderElementsOf(servers);

      // the killed run's consumer-group members must not hold up the stop (they made it take 42 s)
      second.terminateQuietly();
      await("every server of the second run stopped").atMost(Duration.ofSeconds(30))
          .until(() -> StandaloneProcess.processesOn(data).isEmpty());
    }
  }

  /**
   * The servers running on the folder (mosquitto, where standalone runs it, and the postmaster), found as ps would
   * find them.
   */
  private static List<Long> serverPids(Path data) {
    List<Long> servers = StandaloneProcess.processesOn(data).stream()
        .filter(pid -> !StandaloneProcess.commandLine(pid).contains("testline-watch")).toList();
    if (StandaloneProcess.runsMosquitto()) {
      assertThat(servers).as("mosquitto and postgres on %s", data).hasSize(2);
    } else {
      assertThat(servers).as("postgres on %s (HiveMQ CE runs inside standalone)", data).singleElement()
          .satisfies(pid -> assertThat(StandaloneProcess.commandLine(pid)).contains("postgres"));
    }
    return servers;
  }
}
