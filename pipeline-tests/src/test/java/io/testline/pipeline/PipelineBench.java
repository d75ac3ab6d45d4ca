package io.testline.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pipeline benchmark: the whole line (mosquitto, Kafka, PostgreSQL, the bridge, result-consumer and
 * shopfloor-bridge JVMs, the shopfloor simulator) with N stations of real agents ({@link BenchStations}, its own JVM)
 * each running a test program once every period, for N = 10, 100, 500 (or the scales given). Prints, per scale, the
 * run rate, latency from the end of the test program to the stored row and to the verdict at the station (p50/p99),
 * and CPU and memory of each component over the measured window, as Markdown.
 *
 * <p>Run: {@code pipeline-tests/bench.sh [10,100,500]}; {@code -Dbench.period=10s -Dbench.warmup=20s
 * -Dbench.measure=60s}.
 */
public final class PipelineBench {
  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
  private static final Pattern RESULT = Pattern.compile("RESULT (.*)");

  private PipelineBench() {}

  public static void main(String[] args) throws Exception {
    List<String> scales = Stream.of((args.length > 0 ? args[0] : "10,100,500").split(","))
        .map(String::trim).toList();
    long period = millis(System.getProperty("bench.period", "10s"));
    long warmup = millis(System.getProperty("bench.warmup", "20s"));
    long measure = millis(System.getProperty("bench.measure", "60s"));
    Path dir = Files.createTempDirectory("testline-bench-");
    StringBuilder report = new StringBuilder();
    try (Pipeline pipeline = new Pipeline(dir.resolve("pipeline"), Pipeline.Options.defaults())) {
      for (String scale : scales) {
        // "N" stations, or "N:S" stations whose program reports S steps a run (default 3)
        String[] ns = scale.split(":");
        int n = Integer.parseInt(ns[0]);
        int steps = ns.length > 1 ? Integer.parseInt(ns[1]) : 3;
        report.append(runScale(pipeline, dir, n, steps, period, warmup, measure)).append('\n');
        System.out.println(report);
      }
    }
    System.out.println("\n=== pipeline benchmark (period " + period + " ms per station, measured " + measure
        + " ms after " + warmup + " ms warm-up)\n" + report);
    System.exit(0);
  }

  private static String runScale(Pipeline pipeline, Path dir, int n, int steps, long period, long warmup,
      long measure) throws Exception {
    Path log = dir.resolve("stations-" + n + ".log");
    Process stations = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-cp", System.getProperty("java.class.path"), BenchStations.class.getName(), pipeline.mqttUri(),
        pipeline.jdbcUrl(), pipeline.postgres().user(), pipeline.postgres().password(), String.valueOf(n),
        String.valueOf(period), String.valueOf(warmup), String.valueOf(measure), dir.resolve("stations-" + n)
        .toString(), String.valueOf(pipeline.kafkaProps().get("bootstrap.servers")), pipeline.topics().events(),
        pipeline.topics().verdicts(), String.valueOf(steps)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    while (!Files.readString(log).contains("stations up")) {
      if (!stations.isAlive()) {
        throw new IllegalStateException("the stations JVM ended: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    Thread.sleep(warmup);
    Map<String, Long> pids = components(pipeline, stations.pid());
    Map<String, Long> cpuBefore = new LinkedHashMap<>();
    pids.forEach((name, pid) -> cpuBefore.put(name, cpuTicks(pid)));
    long before = System.nanoTime();
    Thread.sleep(measure);
    double seconds = (System.nanoTime() - before) / 1e9;
    Map<String, String> usage = new LinkedHashMap<>();
    pids.forEach((name, pid) -> usage.put(name, String.format("%.2f cores, %d MiB",
        (cpuTicks(pid) - cpuBefore.get(name)) / (double) CLOCK_TICKS_PER_SECOND / seconds, rssKib(pid) / 1024)));
    stations.waitFor();
    String out = Files.readString(log);
    Matcher m = RESULT.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no RESULT from the stations JVM: " + out);
    }
    Map<String, String> r = new LinkedHashMap<>();
    for (String kv : m.group(1).trim().split(" ")) {
      String[] p = kv.split("=");
      r.put(p[0], p[1]);
    }
    double runsPerSecond = Integer.parseInt(r.get("runs")) / (measure / 1000.0);
    StringBuilder md = new StringBuilder();
    md.append(String.format("### %d stations, %d steps a run (uptime: %s)%n%n", n, steps, uptime()));
    md.append(String.format("- runs measured %s (%.2f runs/s offered %.2f), stored %s, not stored %s, verdicts %s,"
            + " verdict timeouts %s, station errors %s%n", r.get("runs"), runsPerSecond, n * 1000.0 / period,
        r.get("stored"), r.get("notStored"), r.get("verdicts"), r.get("verdictTimeouts"), r.get("failures")));
    md.append(String.format("- program end → stored row (committed, by NOTIFY): p50 %s ms, p99 %s ms; → verdict at the"
            + " station: p50 %s ms, p99 %s ms%n", r.get("storeP50"), r.get("storeP99"), r.get("verdictP50"),
        r.get("verdictP99")));
    md.append(String.format("- events/s on the events topic in the window: %s%n", r.get("eventsPerSecond")));
    md.append(String.format("- per hop, p50/p99 ms over the %s measured runs with every timestamp (epoch ms, one"
            + " clock):%n%n", r.get("hopRuns")));
    md.append("| end (journaled) → bridge's MQTT receipt | receipt → Kafka record (CreateTime) | record → consumer's"
        + " trigger | trigger → commit | record → stored (commit) | record → verdict record | verdict record →"
        + " station | end → stored | end → verdict at station | end → execute() returned |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n| ");
    for (String hop : List.of("endedReceived", "receivedProduced", "producedTrigger", "triggerCommit",
        "producedStored", "producedVerdict", "verdictStation", "endedStored", "endedStation", "endedJournaled")) {
      md.append(r.get(hop)).append(" | ");
    }
    md.append("\n\n");
    md.append(String.format("- the same stored rows found by a 100 ms poll (the earlier notes' method): p50 %s ms,"
        + " p99 %s ms; stored rows without a notification: %s%n%n", r.get("polledP50"), r.get("polledP99"),
        r.get("notNotified")));
    md.append("| component | CPU | RSS |\n|---|---|---|\n");
    usage.forEach((name, u) -> {
      String[] parts = u.split(", ");
      md.append("| ").append(name).append(" | ").append(parts[0]).append(" | ").append(parts[1]).append(" |\n");
    });
    return md.toString();
  }

  private static String uptime() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /** The processes measured: name → pid with its descendants, or → -pid for the process alone. */
  private static Map<String, Long> components(Pipeline pipeline, long stationsPid) throws IOException {
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put("stations (N agents + test programs)", stationsPid);
    pids.put("mosquitto", pipeline.mosquitto().pid().orElse(-1L));
    pids.put("mqtt-kafka-bridge", pipeline.bridge().pid());
    // the bench JVM's own threads only: the other components are its children
    pids.put("Kafka broker + shopfloor simulator (bench JVM)", -ProcessHandle.current().pid());
    pids.put("result-consumer", pipeline.consumer().pid());
    pids.put("shopfloor-bridge", pipeline.shopfloorBridge().pid());
    pids.put("PostgreSQL (all processes)", postmasterPid(pipeline.postgres().dataDir()).orElse(-1L));
    return pids;
  }

  private static Optional<Long> postmasterPid(Path dataDir) throws IOException {
    Path file = dataDir.resolve("postmaster.pid");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(Files.readAllLines(file).get(0).trim()));
  }

  /** utime + stime of the process and its live descendants, in clock ticks. */
  private static long cpuTicks(long pid) {
    long total = 0;
    for (long p : tree(pid)) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(p), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (pid > 0) {
          // waited-for children (test programs that ended, PostgreSQL's short-lived workers)
          total += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
      } catch (IOException | RuntimeException e) {
        // the process ended meanwhile
      }
    }
    return total;
  }

  private static long rssKib(long pid) {
    long total = 0;
    for (long p : tree(pid)) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(p), "status"))) {
          if (line.startsWith("VmRSS:")) {
            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | RuntimeException e) {
        // ended meanwhile
      }
    }
    return total;
  }

  private static List<Long> tree(long pid) {
    List<Long> pids = new ArrayList<>();
    if (pid < -1) {
      pids.add(-pid);
      return pids;
    }
    if (pid <= 0) {
      return pids;
    }
    pids.add(pid);
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
    return pids;
  }

  private static long millis(String duration) {
    return java.time.Duration.parse("PT" + duration.toUpperCase()).toMillis();
  }
}
