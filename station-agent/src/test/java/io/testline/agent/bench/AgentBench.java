package io.testline.agent.bench;

import io.testline.agent.journal.Journal;
import io.testline.brokers.MessageCallback;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.LogLine;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.StationDeath;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Prints the agent's numbers (not a test): journal events/s with fsync, one writer and eight (group commit); then the
 * agent as a separate JVM wrapping a child that prints 5,000 and 50,000 lines/s for 10 s, against its own mosquitto:
 * agent CPU and peak RSS, output-to-subscriber latency (the child stamps each line; an upper bound of output to
 * PUBACK), and the lines printed against those published and counted in run.finished (a lost line fails the run).
 * Run: {@code java -cp <test classpath> io.testline.agent.bench.AgentBench}; {@code -Dbench.agentJvmOptions="-Xmx64m"}
 * passes options to the agent's JVM ({@code {rate}} and {@code {run}} in them are replaced, e.g. for a JFR file per
 * run), {@code -Dbench.wrapOnly=true} skips the journal numbers, {@code -Dbench.rates=5000,50000},
 * {@code -Dbench.seconds=10} and {@code -Dbench.runs=1} set the child's rates, its duration and the runs per rate.
 */
public final class AgentBench {
  private AgentBench() {}

  public static void main(String[] args) throws Exception {
    Path tmp = Files.createTempDirectory("agent-bench");
    if (!Boolean.getBoolean("bench.wrapOnly")) {
      journalThroughput(tmp, 1);
      journalThroughput(tmp, 8);
    }
    int seconds = Integer.getInteger("bench.seconds", 10);
    int runs = Integer.getInteger("bench.runs", 1);
    boolean lost = false;
    for (int run = 1; run <= runs; run++) {
      for (String rate : System.getProperty("bench.rates", "5000,50000").split(",")) {
        lost |= !wrapChild(Files.createTempDirectory(tmp, "wrap-"), Integer.parseInt(rate.trim()), seconds, run);
      }
    }
    if (lost) {
      throw new IllegalStateException("lines were lost: see LOST above");
    }
  }

  private static void journalThroughput(Path tmp, int threads) throws Exception {
    Path file = tmp.resolve("journal-" + threads + ".db");
    try (Journal journal = Journal.builder(file, "BENCH", Ids.newId()).open()) {
      AtomicLong n = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int t = 0; t < threads; t++) {
        pool.execute(() -> {
          while (System.nanoTime() < end) {
            journal.append(new StationDeath(true, "benchmark event with a little text"), Instant.now());
            n.incrementAndGet();
          }
        });
      }
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      System.out.printf("journal append with fsync, %d writer(s): %.0f events/s%n", threads, n.get() / 3.0);
    }
  }

  /** One run of the agent wrapping a child printing {@code rate} lines/s; false if a line was lost. */
  private static boolean wrapChild(Path tmp, int rate, int seconds, int run) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path conf = tmp.resolve("mosquitto.conf");
    Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 1000\n"
        + "max_queued_messages 1000000\n");
    Process broker = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
    awaitPort(port);
    String url = "tcp://127.0.0.1:" + port;
    List<Long> latenciesNs = Collections.synchronizedList(new ArrayList<>());
    AtomicLong finishedLines = new AtomicLong(-1);
    BitSet received = new BitSet();
    MqttAsyncClient sub = subscriber(url, latenciesNs, received, finishedLines);
    Path config = tmp.resolve("agent.yaml");
    Files.writeString(config, "station:\n  id: BENCH\nagent:\n  dataDir: " + tmp.resolve("data") + "\nmqtt:\n  url: "
        + url + "\n");
    Path script = tmp.resolve("child.py");
    long printed = (long) rate * seconds;
    int flushEvery = Math.max(1, rate / 100); // a write every 10 ms
    Files.writeString(script, """
        import sys, time
        start = time.monotonic()
        for i in range(1, %d + 1):
            sys.stdout.write("%%d line %%d of the benchmark with some text\\n" %% (time.time_ns(), i))
            if i %% %d == 0:
                sys.stdout.flush()
                d = start + i / %d.0 - time.monotonic()
                if d > 0:
                    time.sleep(d)
        """.formatted(printed, flushEvery, rate));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    String jvmOptions = System.getProperty("bench.agentJvmOptions", "").trim();
    if (!jvmOptions.isEmpty()) {
      command.addAll(List.of(jvmOptions.replace("{rate}", String.valueOf(rate)).replace("{run}", String.valueOf(run))
          .split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.testline.agent.cli.Main", "run",
        "--config", config.toString(), "--serial", "SN-BENCH", "--", "python3", script.toString()));
    System.out.printf("%n%d lines/s for %d s, run %d, load average %s; agent JVM options: %s%n", rate, seconds, run,
        Files.readString(Path.of("/proc/loadavg")).trim(), jvmOptions.isEmpty() ? "(none)" : jvmOptions);
    Process agent = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile()).start();
    long pid = agent.pid();
    long ticksStart = -1;
    long ticksEnd = 0;
    long peakRssKb = 0;
    long t0 = System.nanoTime();
    long tFirst = 0;
    Map<String, Long> threadsStart = Map.of();
    Map<String, Long> threadsEnd = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10L * seconds + 120);
    while (agent.isAlive()) {
      if (System.nanoTime() > deadline) {
        System.out.println("the agent did not finish in time (see its log " + tmp.resolve("agent.log") + "): LOST");
        agent.destroyForcibly().waitFor();
        sub.disconnect().waitForCompletion();
        sub.close();
        broker.destroy();
        return false;
      }
      long[] s = procStat(pid);
      if (s != null) {
        if (ticksStart < 0 && !latenciesNs.isEmpty()) {
          ticksStart = s[0];
          tFirst = System.nanoTime();
          threadsStart = threadTicks(pid);
        }
        if (ticksStart >= 0) {
          threadTicks(pid).forEach((thread, ticks) -> threadsEnd.merge(thread, ticks, Math::max)); // ended ones too
        }
        ticksEnd = s[0];
        peakRssKb = Math.max(peakRssKb, s[1]);
      }
      Thread.sleep(100);
    }
    long tEnd = System.nanoTime();
    double cpuSeconds = (ticksEnd - Math.max(0, ticksStart)) / 100.0;
    double wall = (tEnd - tFirst) / 1e9;
    System.out.printf("agent exit %d; whole run %.1f s, agent CPU %.2f s in all; while streaming: agent CPU %.1f%% of"
        + " one core over %.1f s; peak RSS %d MiB%n", agent.exitValue(), (tEnd - t0) / 1e9, ticksEnd / 100.0,
        100 * cpuSeconds / wall, wall, peakRssKb / 1024);
    System.out.printf("  by thread while streaming (%% of one core): %s%n", byThread(threadsStart, threadsEnd, wall));
    // the run's last chunks and run.finished are published before the agent exits; the subscriber may lag a little
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((distinct(received) < printed || finishedLines.get() < 0) && System.nanoTime() < waitUntil) {
      Thread.sleep(50);
    }
    List<Long> sorted = new ArrayList<>(latenciesNs);
    Collections.sort(sorted);
    System.out.printf("child output -> subscriber: %d lines, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted.size(),
        sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6,
        sorted.get(sorted.size() - 1) / 1e6);
    long stdoutLog = countLines(tmp.resolve("data"), "stdout.log");
    long published = distinct(received);
    boolean lossless = published == printed && stdoutLog == printed && finishedLines.get() >= printed;
    System.out.printf("lines printed %d, published (distinct lines at the subscriber) %d, in the run's stdout.log %d,"
        + " run.finished log.lines (with the agent's own) %d: %s%n", printed, published, stdoutLog,
        finishedLines.get(), lossless ? "lossless" : "LOST");
    sub.disconnect().waitForCompletion();
    sub.close();
    broker.destroy();
    broker.waitFor();
    return lossless;
  }

  private static long distinct(BitSet received) {
    synchronized (received) {
      return received.cardinality();
    }
  }

  /** Waits up to 30 s for the broker to accept connections (a loaded machine starts it slowly). */
  private static void awaitPort(int port) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        if (System.nanoTime() > until) {
          throw new IllegalStateException("mosquitto did not listen on " + port + " within 30 s", notYet);
        }
        Thread.sleep(50);
      }
    }
  }

  /** Lines of the files named {@code name} under {@code dir}. */
  private static long countLines(Path dir, String name) throws java.io.IOException {
    try (var files = Files.walk(dir)) {
      long n = 0;
      for (Path f : files.filter(p -> p.getFileName().toString().equals(name)).toList()) {
        try (var lines = Files.lines(f)) {
          n += lines.count();
        }
      }
      return n;
    }
  }

  /** utime+stime in clock ticks of each live thread of a Linux process, by thread id and name. */
  private static Map<String, Long> threadTicks(long pid) {
    Map<String, Long> ticks = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.put(task.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (java.io.IOException | RuntimeException ended) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException | RuntimeException ended) {
      // the process ended meanwhile
    }
    return ticks;
  }

  /** CPU of each thread name (digits folded: the compiler threads, GC workers) between two snapshots, largest first. */
  private static String byThread(Map<String, Long> start, Map<String, Long> end, double seconds) {
    Map<String, Long> byName = new TreeMap<>();
    end.forEach((key, ticks) -> byName.merge(key.substring(key.indexOf(' ') + 1).replaceAll("[0-9]+", "N"),
        ticks - start.getOrDefault(key, 0L), Long::sum));
    return byName.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> String.format("%s %.1f", e.getKey(), 100 * e.getValue() / 100.0 / seconds))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** utime+stime in clock ticks and VmRSS in KiB of a Linux process. */
  private static long[] procStat(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
      return new long[] {ticks, rss};
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static MqttAsyncClient subscriber(String url, List<Long> latenciesNs, BitSet received,
      AtomicLong finishedLines) throws MqttException {
    MqttAsyncClient c = new MqttAsyncClient(url, "bench-sub", new MemoryPersistence());
    c.setCallback((MessageCallback) (topic, m) -> {
      long now = System.currentTimeMillis() * 1_000_000L;
      Event<?> e = EventJson.parse(m.getPayload());
      if (e.data() instanceof RunFinished finished) {
        finishedLines.set(finished.log().lines());
      }
      if (e.data() instanceof RunLog log && log.stream() == LogStream.STDOUT) {
        for (LogLine line : log.lines()) {
          String[] f = line.text().split(" ", 4); // "<time ns> line <n> of ..."
          latenciesNs.add(now - Long.parseLong(f[0]));
          synchronized (received) {
            received.set(Integer.parseInt(f[2]));
          }
        }
      }
    });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setReceiveMaximum(1000);
    c.connect(o).waitForCompletion(5000);
    c.subscribe("testline/v1/BENCH/#", 1).waitForCompletion(5000);
    return c;
  }
}
