package io.testline.agent.bench;

import io.testline.agent.journal.Journal;
import io.testline.brokers.MessageCallback;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.LogLine;
import io.testline.schemas.RunLog;
import io.testline.schemas.StationDeath;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * agent as a separate JVM wrapping a child that prints 5,000 lines/s for 10 s, against its own mosquitto: agent CPU
 * and peak RSS, and output-to-subscriber latency (the child stamps each line; an upper bound of output to PUBACK).
 * Run: {@code java -cp <test classpath> io.testline.agent.bench.AgentBench}; {@code -Dbench.agentJvmOptions="-Xmx64m"}
 * passes options to the agent's JVM, {@code -Dbench.wrapOnly=true} skips the journal numbers.
 */
public final class AgentBench {
  private AgentBench() {}

  public static void main(String[] args) throws Exception {
    Path tmp = Files.createTempDirectory("agent-bench");
    if (!Boolean.getBoolean("bench.wrapOnly")) {
      journalThroughput(tmp, 1);
      journalThroughput(tmp, 8);
    }
    wrapChild(tmp);
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

  private static void wrapChild(Path tmp) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path conf = tmp.resolve("mosquitto.conf");
    Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 1000\n"
        + "max_queued_messages 1000000\n");
    Process broker = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
    Thread.sleep(300);
    String url = "tcp://127.0.0.1:" + port;
    List<Long> latenciesNs = Collections.synchronizedList(new ArrayList<>());
    MqttAsyncClient sub = subscriber(url, latenciesNs);
    Path config = tmp.resolve("agent.yaml");
    Files.writeString(config, "station:\n  id: BENCH\nagent:\n  dataDir: " + tmp.resolve("data") + "\nmqtt:\n  url: "
        + url + "\n");
    Path script = tmp.resolve("child.py");
    Files.writeString(script, """
        import sys, time
        start = time.monotonic()
        for i in range(1, 50001):
            sys.stdout.write("%d line %d of the benchmark with some text\\n" % (time.time_ns(), i))
            if i % 50 == 0:
                sys.stdout.flush()
                d = start + i / 5000.0 - time.monotonic()
                if d > 0:
                    time.sleep(d)
        """);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    String jvmOptions = System.getProperty("bench.agentJvmOptions", "").trim();
    if (!jvmOptions.isEmpty()) {
      command.addAll(List.of(jvmOptions.split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.testline.agent.cli.Main", "run",
        "--config", config.toString(), "--serial", "SN-BENCH", "--", "python3", script.toString()));
    System.out.printf("agent JVM options: %s%n", jvmOptions.isEmpty() ? "(none)" : jvmOptions);
    Process agent = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(tmp.resolve("agent.log").toFile()).start();
    long pid = agent.pid();
    long ticksStart = -1;
    long ticksEnd = 0;
    long peakRssKb = 0;
    long t0 = System.nanoTime();
    long tFirst = 0;
    while (agent.isAlive()) {
      long[] s = procStat(pid);
      if (s != null) {
        if (ticksStart < 0 && !latenciesNs.isEmpty()) {
          ticksStart = s[0];
          tFirst = System.nanoTime();
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
    List<Long> sorted = new ArrayList<>(latenciesNs);
    Collections.sort(sorted);
    System.out.printf("child output -> subscriber: %d lines, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted.size(),
        sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6,
        sorted.get(sorted.size() - 1) / 1e6);
    sub.disconnect().waitForCompletion();
    sub.close();
    broker.destroy();
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

  private static MqttAsyncClient subscriber(String url, List<Long> latenciesNs) throws MqttException {
    MqttAsyncClient c = new MqttAsyncClient(url, "bench-sub", new MemoryPersistence());
    c.setCallback((MessageCallback) (topic, m) -> {
      long now = System.currentTimeMillis() * 1_000_000L;
      Event<?> e = EventJson.parse(m.getPayload());
      if (e.data() instanceof RunLog log) {
        for (LogLine line : log.lines()) {
          int space = line.text().indexOf(' ');
          if (space > 0) {
            latenciesNs.add(now - Long.parseLong(line.text().substring(0, space)));
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
