package io.testline.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.junit.RequiredTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/testline standalone} of the packaged distribution as a user runs it, on fixed ports chosen free when the
 * test starts, so a restart on the same folder uses the same ports. Output (stdout and stderr) goes to one file.
 */
final class StandaloneProcess implements AutoCloseable {

  static final String RUNNING = "testline standalone is running";

  /** The five ports standalone is told: MQTT, Kafka, PostgreSQL, query API, shopfloor simulator. */
  record Ports(int mqtt, int kafka, int postgres, int api, int simulator) {
    static Ports free() {
      return new Ports(freePort(), freePort(), freePort(), freePort(), freePort());
    }

    List<String> args() {
      return List.of("--mqtt-port", "" + mqtt, "--kafka-port", "" + kafka, "--postgres-port", "" + postgres,
          "--api-port", "" + api, "--simulator-port", "" + simulator);
    }
  }

  private final Process process;
  private final Path out;

  private StandaloneProcess(Process process, Path out) {
    this.process = process;
    this.out = out;
  }

  static StandaloneProcess start(Path dataDir, Ports ports, Path out, String... extra) throws IOException {
    Path launcher = Path.of(System.getProperty("testline.dist", "target/testline")).resolve("bin/testline");
    assertThat(launcher).as("the packaged launcher (mvn package builds it)").isExecutable();
    List<String> command = new ArrayList<>(List.of(launcher.toString(), "standalone", "--data-dir",
        dataDir.toString()));
    command.addAll(ports.args());
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    builder.environment().put("TESTLINE_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    return new StandaloneProcess(builder.start(), out);
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  String output() {
    try {
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + out + ": " + e + ")";
    }
  }

  /** Waits until it says it runs; fails at once if it exits first. */
  void awaitRunning() {
    await("standalone running").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          assertThat(process.isAlive()).as("standalone exited before it ran; output:%n%s", output()).isTrue();
          return output().contains(RUNNING);
        });
  }

  /** Waits for it to exit by itself and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .as("standalone ended within %s; output:%n%s", timeout, output()).isTrue();
    return process.exitValue();
  }

  /**
   * SIGTERM, as a service manager stops it; asserts it ends within a generous bound, saying it stopped, with no WARN
   * or ERROR logged since it said "running". Returns what it printed from then on.
   */
  String terminateQuietly() throws InterruptedException {
    long started = System.nanoTime();
    process.destroy();
    awaitExit(Duration.ofSeconds(60));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    String output = output();
    String stop = output.substring(Math.max(0, output.indexOf(RUNNING)));
    assertThat(took).as("the stop took %s:%n%s", took, stop).isLessThan(Duration.ofSeconds(20));
    assertThat(stop.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception")))
        .as("warnings or errors while stopping:%n%s", stop).isEmpty();
    assertThat(stop).contains("testline standalone: stopped");
    return stop;
  }

  /** The JVM's child processes whose command line contains {@code marker}. */
  List<ProcessHandle> children(String marker) {
    return process.children().filter(p -> commandLine(p.pid()).contains(marker)).toList();
  }

  static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Every live process whose command line names {@code dir}: the servers standalone ran on that folder. */
  static List<Long> processesOn(Path dir) {
    String marker = dir.toAbsolutePath().toString();
    return ProcessHandle.allProcesses().map(ProcessHandle::pid)
        .filter(pid -> commandLine(pid).contains(marker))
        .filter(pid -> !commandLine(pid).contains("testline.cli.Main"))
        .toList();
  }

  static Optional<Long> pidIn(Path pidFile) {
    try {
      return Optional.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether standalone (its default {@code --mqtt-broker AUTO}) runs mosquitto as a process of its own here: where
   * mosquitto is installed; else it runs HiveMQ CE inside its JVM. Fails where {@code TESTLINE_REQUIRE_TOOLS} requires
   * mosquitto and it is missing.
   */
  static boolean runsMosquitto() {
    return RequiredTools.optional("mosquitto").isPresent();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** SIGTERM and a wait for the end, then SIGKILL if it is still there. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
