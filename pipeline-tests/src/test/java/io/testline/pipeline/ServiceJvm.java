package io.testline.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One central service ({@code testline bridge|result-consumer|shopfloor-bridge run --config F}) as its own JVM,
 * started from the test classpath the way {@code bin/testline} starts it. Every start appends to one log file, so
 * a test can read everything the service ever printed; {@link #kill9()} is a crash, {@link #start()} a restart.
 */
final class ServiceJvm implements AutoCloseable {
  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;
  private final String readyLine;
  private int starts;

  /** {@code readyLine}: what the service logs once it serves (the bridge: its MQTT subscription is in place). */
  ServiceJvm(String name, Path log, String service, Path config, String readyLine) {
    this.name = name;
    this.log = log;
    this.readyLine = readyLine;
    this.command = new ArrayList<>(List.of(javaBin(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.testline.cli.Main", service, "run", "--config",
        config.toString()));
  }

  String name() {
    return name;
  }

  /** The pid of the running JVM; -1 when it is not running. */
  synchronized long pid() {
    return process != null && process.isAlive() ? process.pid() : -1;
  }

  synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    Files.writeString(log, "=== start " + (++starts) + " of " + name + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /**
   * Waits until this start logged its ready line. A station that publishes before the bridge's shared subscription
   * exists loses those messages at the broker (MQTT delivers a shared subscription only to sessions it has), so a
   * line starts its bridge first, as compose.yaml does.
   */
  void awaitReady(long timeoutMillis) throws InterruptedException {
    String marker = "=== start " + starts + " of " + name + "\n";
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      String out = output();
      int at = out.lastIndexOf(marker);
      if (at >= 0 && out.indexOf(readyLine, at) >= 0) {
        return;
      }
      if (!isAlive()) {
        throw new IllegalStateException(name + " exited before it was ready; its log: " + log);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " not ready (no '" + readyLine + "') within " + timeoutMillis
        + " ms; its log: " + log);
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye. */
  synchronized void kill9() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  Path log() {
    return log;
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
  @Override
  public synchronized void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
