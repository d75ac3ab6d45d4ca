package io.testline.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated test station: its own agent config and data folder, and a loop that runs one real
 * {@code testline-agent run --wait-verdict} JVM after another around the demo's test program (mostly passing, some
 * failing units), as an operator testing board after board. {@link #powerLoss()} kills the agent and its test
 * program with SIGKILL, the way a pulled plug does; the next run starts on the same journal, as after a reboot.
 */
final class Station implements AutoCloseable {
  private static final Pattern RUN_ID = Pattern.compile(" run ([0-9a-f-]{36}) in ");

  /** One agent invocation as the station saw it: the run id it printed (null if it never started a run). */
  record Attempt(String serialNumber, int exitCode, String runId, boolean powerLost, String output) {}

  private final String stationId;
  private final Path dir;
  private final Path config;
  private final Path dataDir;
  private final Path program;
  private final List<String> prefix;
  private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
  private final Thread loop;
  private volatile boolean stopping;
  private volatile boolean pausing;
  private Process serving;
  private Process current;
  private boolean powerLostCurrent;
  private int n;

  /**
   * @param dataDir where the agent keeps its journal (a small file system for the disk-full fault)
   * @param prefix  a command the agent JVM runs under, e.g. {@code faketime} for a skewed clock; may be empty
   */
  Station(String stationId, Path dir, Path dataDir, String mqttUri, String extraConfig, List<String> prefix)
      throws IOException {
    this.stationId = stationId;
    this.dir = Files.createDirectories(dir);
    this.prefix = List.copyOf(prefix);
    this.dataDir = dataDir;
    this.program = dir.resolve("demo_test.sh");
    try (InputStream in = io.testline.cli.demo.Demo.class.getResourceAsStream("demo_test.sh")) {
      Files.copy(in, program, StandardCopyOption.REPLACE_EXISTING);
    }
    this.config = dir.resolve("agent.yaml");
    Files.writeString(config, """
        station:
          id: %1$s
          line: FAULT-L1
          site: LAB
        agent:
          dataDir: %2$s
        mqtt:
          url: %3$s
          reconnect:
            initialDelay: 100ms
            maxDelay: 1s
        journal:
          keepUntil: verdict
          resendAfter: 10s
        run:
          timeout: 20s
          killGrace: 1s
          flushTimeout: 5s
          verdictTimeout: 5s
          logFlushInterval: 200ms
          failExitCodes: [1]
          program:
            name: fct
            version: "2.1"
          testMethod: FCT
          operation: FCT
        heartbeat:
          interval: 2s
        %4$s
        """.formatted(stationId, dataDir, mqttUri, extraConfig), StandardCharsets.UTF_8);
    this.loop = new Thread(this::runLoop, "station-" + stationId);
    loop.setDaemon(true);
  }

  String stationId() {
    return stationId;
  }

  Station start() {
    loop.start();
    return this;
  }

  /** Holds the loop before its next run (the run in progress goes on); {@link #resume()} lets it go on. */
  void pause() {
    pausing = true;
  }

  void resume() {
    pausing = false;
  }

  List<Attempt> attempts() {
    synchronized (attempts) {
      return List.copyOf(attempts);
    }
  }

  /** Waits until the loop has finished at least {@code more} further agent invocations. */
  void awaitAttempts(int more, long timeoutMillis) throws InterruptedException {
    int target = attempts.size() + more;
    long end = System.currentTimeMillis() + timeoutMillis;
    while (attempts.size() < target && System.currentTimeMillis() < end) {
      Thread.sleep(100);
    }
    if (attempts.size() < target) {
      throw new IllegalStateException(stationId + " did not finish " + more + " runs in " + timeoutMillis + " ms");
    }
  }

  /** SIGKILL to the agent and its test program while a run is in progress; false if no run was. */
  boolean powerLoss() {
    Process p;
    synchronized (this) {
      p = current;
      if (p == null || !p.isAlive()) {
        return false;
      }
      powerLostCurrent = true;
    }
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    return true;
  }

  private void runLoop() {
    while (!stopping) {
      try {
        if (pausing) {
          Thread.sleep(100);
          continue;
        }
        attempts.add(runOne());
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        throw new IllegalStateException(stationId + ": cannot start the agent", e);
      }
    }
  }

  private Attempt runOne() throws IOException, InterruptedException {
    int run = ++n;
    String serial = "SN-" + stationId + "-" + run;
    String mode = ThreadLocalRandom.current().nextInt(5) == 0 ? "fail" : "pass";
    Path output = dir.resolve("agent-" + run + ".log");
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(ServiceJvm.javaBin(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.testline.agent.cli.Main", "run", "-c", config.toString(),
        "--serial", serial, "--part", "PCB-100", "--revision", "C", "--operator", "op1", "--work-order", "WO-1",
        "--wait-verdict", "--", "/bin/sh", program.toString(), mode));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    synchronized (this) {
      current = p;
      powerLostCurrent = false;
    }
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
    }
    boolean lost;
    synchronized (this) {
      lost = powerLostCurrent;
      current = null;
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    Matcher m = RUN_ID.matcher(text);
    String runId = m.find() ? m.group(1) : null;
    return new Attempt(serial, p.exitValue(), runId, lost, text);
  }

  /** Every run this station's agent started, killed ones included: one folder each, {@code dataDir/runs/<runId>}. */
  List<String> startedRunIds() throws IOException {
    Path runs = dataDir.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return List.of();
    }
    try (var dirs = Files.list(runs)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * After the last run: {@code testline-agent serve} keeps the station online, as a station PC between runs, so runs
   * kept in its journal without a verdict are sent again. {@link #close()} stops it.
   */
  void serve() throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(ServiceJvm.javaBin(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "io.testline.agent.cli.Main", "serve", "-c", config.toString()));
    synchronized (this) {
      serving = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent-serve.log").toFile())).start();
    }
  }

  /** Lets the run in progress finish and starts no further one: the run loop ends. */
  void stopRuns() throws InterruptedException {
    stopping = true;
    loop.join(TimeUnit.MINUTES.toMillis(3));
  }

  /**
   * Stops the agent that {@link #serve()} started: SIGTERM (a clean stop, with its goodbye) or, with {@code kill},
   * SIGKILL (the broker sends its Will). {@link #serve()} starts it again, as after a reboot.
   */
  void stopServing(boolean kill) throws InterruptedException {
    Process s;
    synchronized (this) {
      s = serving;
      serving = null;
    }
    if (s == null) {
      return;
    }
    stopTree(s, kill);
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    loop.join(TimeUnit.MINUTES.toMillis(3));
    powerLoss();
    Process s;
    synchronized (this) {
      s = serving;
      serving = null;
    }
    if (s != null) {
      stopTree(s, false);
    }
  }

  /**
   * Stops {@code p} and what it started: with a prefix such as faketime the agent is faketime's child, which would
   * outlive a signal to faketime alone. SIGTERM (the agent first, for its clean stop) or SIGKILL; after 20 s, SIGKILL.
   */
  private static void stopTree(Process p, boolean kill) throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    for (ProcessHandle h : tree) {
      if (kill) {
        h.destroyForcibly();
      } else {
        h.destroy();
      }
    }
    if (kill) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        h.destroyForcibly();
      }
    }
  }
}
