package io.testline.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.brokers.junit.RequiredTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers standalone starts are ours or nothing: a port held by another process is refused before anything starts,
 * with exit 69 and a message naming the port and its holder; standalone never says "running" over it.
 */
class StandalonePortsIT {

  private static final int UNAVAILABLE = 69;
  private static final Duration REFUSAL = Duration.ofSeconds(90);

  @TempDir
  Path tmp;

  @Test
  void refuses_an_mqtt_port_held_by_a_foreign_mosquitto_naming_it() throws Exception {
    // a foreign mosquitto holds the port, and standalone is told to run mosquitto: both need it installed
    Path mosquitto = RequiredTools.require("mosquitto");
    StandaloneProcess.Ports ports = StandaloneProcess.Ports.free();
    Process foreign = new ProcessBuilder(mosquitto.toString(), "-p", "" + ports.mqtt())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("foreign.out").toFile()).start();
    try {
      org.awaitility.Awaitility.await("foreign mosquitto listening").atMost(Duration.ofSeconds(10))
          .until(() -> accepts(ports.mqtt()));
      String output = refused(ports, "--mqtt-broker", "MOSQUITTO");
      assertThat(output).contains("MQTT broker (mosquitto): port " + ports.mqtt(),
          "pid " + foreign.pid(), "mosquitto -p " + ports.mqtt());
      assertThat(foreign.isAlive()).as("the foreign broker is left alone").isTrue();
    } finally {
      foreign.destroy();
      foreign.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void refuses_an_mqtt_port_held_by_another_process_with_hivemq_too() throws Exception {
    StandaloneProcess.Ports ports = StandaloneProcess.Ports.free();
    try (ServerSocket taken = listen(ports.mqtt())) {
      String output = refused(ports, "--mqtt-broker", "HIVEMQ");
      assertThat(output).contains("MQTT broker (HiveMQ CE): port " + ports.mqtt(), heldByThisJvm());
    }
  }

  @Test
  void refuses_a_taken_postgres_port() throws Exception {
    StandaloneProcess.Ports ports = StandaloneProcess.Ports.free();
    try (ServerSocket taken = listen(ports.postgres())) {
      assertThat(refused(ports)).contains("PostgreSQL: port " + ports.postgres(), heldByThisJvm());
    }
  }

  @Test
  void refuses_a_taken_kafka_port() throws Exception {
    StandaloneProcess.Ports ports = StandaloneProcess.Ports.free();
    try (ServerSocket taken = listen(ports.kafka())) {
      assertThat(refused(ports)).contains("Kafka: port " + ports.kafka(), heldByThisJvm());
    }
  }

  @Test
  void refuses_a_taken_query_api_port() throws Exception {
    StandaloneProcess.Ports ports = StandaloneProcess.Ports.free();
    try (ServerSocket taken = listen(ports.api())) {
      assertThat(refused(ports)).contains("query API: port " + ports.api(), heldByThisJvm());
    }
  }

  /** Runs standalone on a fresh folder; asserts it exits 69 without saying "running", and returns its output. */
  private String refused(StandaloneProcess.Ports ports, String... extra) throws Exception {
    Path data = tmp.resolve("data");
    try (StandaloneProcess standalone = StandaloneProcess.start(data, ports, tmp.resolve("standalone.out"), extra)) {
      int exit = standalone.awaitExit(REFUSAL);
      String output = standalone.output();
      assertThat(exit).as(output).isEqualTo(UNAVAILABLE);
      assertThat(output).doesNotContain(StandaloneProcess.RUNNING);
      assertThat(StandaloneProcess.processesOn(data)).as("nothing left running on the folder").isEmpty();
      return output;
    }
  }

  private static String heldByThisJvm() {
    return "taken by pid " + ProcessHandle.current().pid();
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return socket;
  }

  private static boolean accepts(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
