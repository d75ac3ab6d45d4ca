package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.consumer.store.StoredEvent;
import io.testline.schemas.Event;
import io.testline.schemas.StepOutcome;
import io.testline.web.support.Chromium;
import io.testline.web.support.Events;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A benchmark, not a test: run only with {@code -Pbench} (web/README.md). The line page in a real headless Chromium
 * while every station's current step changes once a second, written as result-consumer writes it (its
 * {@link EventWriter}, a transaction per batch, the V10 trigger's NOTIFY at commit) into the embedded PostgreSQL,
 * carried by the web's real feed and SSE stream. Each step's name carries its write time; a MutationObserver in the
 * page records when it appears in the DOM (and the next animation frame). Prints per size ({@code -Dbench.stations},
 * default 100,500) the delay's p50/p95/p99/max, the updates shown and coalesced, SSE messages and bytes per second,
 * the JS heap, long tasks, the web's CPU and Chromium's (CPU time from /proc, which the machine's load does not
 * inflate).
 */
@ExtendWith(RealBrokers.class)
class LinePageBench {
  private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
  private static final int WARMUP_SECONDS = 5;
  /** The consumer writes a poll's events in one transaction; a second's changes arrive as this many of them. */
  private static final int BATCHES_PER_SECOND = 10;

  private static final String OBSERVER = """
      const B = window.__bench = {dom: [], frame: [], shown: 0, msgs: 0, bytes: 0, opens: 0, longTasks: 0,
                                  longMs: 0, pending: [], last: {}, stale: 0, since: 0};
      new PerformanceObserver(l => l.getEntries().forEach(e => { B.longTasks++; B.longMs += e.duration; }))
          .observe({type: 'longtask', buffered: false});
      document.body.addEventListener('htmx:sseMessage', e => { B.msgs++; B.bytes += (e.detail.data || '').length; });
      document.body.addEventListener('htmx:sseOpen', () => { B.opens++; });
      function record(step) {
        const m = /^s(\\d+)$/.exec(step.textContent);
        if (!m) return;
        const tile = step.closest('[data-station]');
        const station = tile ? tile.getAttribute('data-station') : '?';
        const at = Number(m[1]);
        if (B.last[station] === at) return;
        if (at < B.since) { B.last[station] = at; return; }
        if (B.last[station] > at) { B.stale++; return; }
        B.last[station] = at;
        const now = Date.now();
        B.dom.push(now - at);
        B.shown++;
        if (B.pending.length === 0) {
          requestAnimationFrame(() => {
            const f = Date.now();
            B.pending.forEach(a => B.frame.push(f - a));
            B.pending = [];
          });
        }
        B.pending.push(at);
      }
      new MutationObserver(list => {
        for (const r of list) {
          for (const n of r.addedNodes) {
            if (n.nodeType !== 1) continue;
            if (n.matches('.step')) record(n);
            n.querySelectorAll('.step').forEach(record);
          }
        }
      }).observe(document.getElementById('wall'), {childList: true, subtree: true});
      """;

  private static final String RESULTS = """
      const B = window.__bench;
      const r = {dom: B.dom, frame: B.frame, shown: B.shown, msgs: B.msgs, bytes: B.bytes, opens: B.opens,
                 longTasks: B.longTasks, longMs: Math.round(B.longMs), stale: B.stale,
                 heap: performance.memory ? performance.memory.usedJSHeapSize : -1,
                 nodes: document.getElementsByTagName('*').length};
      if (arguments[0]) {
        B.since = arguments[0];
        B.dom = []; B.frame = []; B.shown = 0; B.msgs = 0; B.bytes = 0; B.longTasks = 0; B.longMs = 0; B.stale = 0;
      }
      return r;
      """;

  private final EventWriter writer = new EventWriter();
  private final List<Events.Run> runs = new ArrayList<>();
  private final List<Events> stations = new ArrayList<>();
  /** Per station, the write time its latest step is named after. */
  private long[] lastWritten = new long[0];
  /** The Kafka offset the written events pretend to come from (the consumer's provenance). */
  private long offset;

  @Test
  void prints_how_far_behind_the_line_page_falls_at_one_change_per_station_and_second(Database db) throws Exception {
    int[] sizes = Arrays.stream(System.getProperty("bench.stations", "100,500").split(","))
        .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    try (Chromium chromium = Chromium.startOrSkip();
         HikariDataSource ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 8,
             Duration.ofSeconds(30))) {
      StoreDataSource.migrate(ds);
      try (WebServer web = new WebServer(ds, new WebConfig("127.0.0.1", 0, ZoneOffset.UTC,
          WebConfig.DEFAULT_SHIFTS, null)).start()) {
        for (int size : sizes) {
          seed(ds, size);
          ChromeDriver browser = chromium.driver();
          browser.get(web.uri().resolve("/").toString());
          await().atMost(Duration.ofSeconds(60)).until(() -> ((Number) browser.executeScript(
              "return document.querySelectorAll('#wall [data-station]').length")).intValue() == size);
          browser.executeScript(OBSERVER);
          drive(ds, size, WARMUP_SECONDS);
          browser.executeScript(RESULTS, System.currentTimeMillis());
          ThreadMXBean threads = ManagementFactory.getThreadMXBean();
          var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
          long cpu0 = os.getProcessCpuTime() - threads.getCurrentThreadCpuTime();
          long browserCpu0 = browserCpuTicks();
          long t0 = System.nanoTime();
          long written = drive(ds, size, SECONDS);
          // the last second's changes need their flush and swap before they are counted
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
              .until(() -> lastShown(browser, size));
          double wall = (System.nanoTime() - t0) / 1e9;
          double cpu = (os.getProcessCpuTime() - threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
          double browserCpu = (browserCpuTicks() - browserCpu0) / (double) CLOCK_TICKS;
          @SuppressWarnings("unchecked")
          Map<String, Object> r = (Map<String, Object>) browser.executeScript(RESULTS, 0);
          report(size, written, wall, cpu, browserCpu, r);
          assertThat(((Number) r.get("shown")).longValue()).as("updates shown").isPositive();
          if (Boolean.getBoolean("bench.profile")) {
            profile(browser, ds, size);
          }
        }
      }
    }
  }

  /** Where the page's main thread spends its time: a 5 s CPU profile (DevTools protocol), top self times. */
  @SuppressWarnings("unchecked")
  private void profile(ChromeDriver browser, HikariDataSource ds, int size) throws Exception {
    browser.executeCdpCommand("Profiler.enable", Map.of());
    browser.executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", 1000));
    browser.executeCdpCommand("Profiler.start", Map.of());
    drive(ds, size, 5);
    Map<String, Object> profile = (Map<String, Object>) browser.executeCdpCommand("Profiler.stop", Map.of())
        .get("profile");
    Map<String, Long> self = new java.util.HashMap<>();
    long total = 0;
    for (Map<String, Object> node : (List<Map<String, Object>>) profile.get("nodes")) {
      Map<String, Object> frame = (Map<String, Object>) node.get("callFrame");
      String url = String.valueOf(frame.get("url"));
      String key = frame.get("functionName") + " " + url.substring(url.lastIndexOf('/') + 1) + ":"
          + frame.get("lineNumber");
      long hits = ((Number) node.getOrDefault("hitCount", 0)).longValue();
      self.merge(key, hits, Long::sum);
      total += hits;
    }
    long all = total;
    System.out.printf(Locale.ROOT, "bench:   profile at %d stations, self time of %d samples:%n", size, all);
    self.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(20)
        .forEach(e -> System.out.printf(Locale.ROOT, "bench:     %5.1f %%  %s%n", 100.0 * e.getValue() / all,
            e.getKey()));
  }

  /** Whether every station's latest written step is on the page. */
  private boolean lastShown(ChromeDriver browser, int size) {
    @SuppressWarnings("unchecked")
    Map<String, Object> last = (Map<String, Object>) browser.executeScript("return window.__bench.last");
    for (int i = 0; i < size; i++) {
      Object at = last.get(stations.get(i).station());
      if (at == null || ((Number) at).longValue() != lastWritten[i]) {
        return false;
      }
    }
    return true;
  }

  /** Stations ST-000.. up to {@code size}: born, each testing a unit (its run started), as their agents send it. */
  private void seed(HikariDataSource ds, int size) throws Exception {
    List<Event<?>> events = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = stations.size(); i < size; i++) {
      Events station = new Events("ST-%03d".formatted(i));
      stations.add(station);
      Events.Run run = station.run("SN-%06d".formatted(i), "FCT", 1, now);
      runs.add(run);
      events.add(station.birth(now.minusSeconds(60), "host-" + i));
      events.add(run.started());
    }
    write(ds, events);
    lastWritten = Arrays.copyOf(lastWritten, size);
  }

  /**
   * For {@code seconds}, each second a step for each of {@code size} stations, in {@link #BATCHES_PER_SECOND}
   * transactions spread over the second; each step is named after its write time. Returns the steps written.
   */
  private long drive(HikariDataSource ds, int size, int seconds) throws Exception {
    long written = 0;
    long tickNanos = 1_000_000_000L / BATCHES_PER_SECOND;
    long next = System.nanoTime();
    int perBatch = (size + BATCHES_PER_SECOND - 1) / BATCHES_PER_SECOND;
    for (int tick = 0; tick < seconds * BATCHES_PER_SECOND; tick++) {
      LockSupport.parkNanos(next - System.nanoTime());
      next += tickNanos;
      int from = (tick % BATCHES_PER_SECOND) * perBatch;
      int to = Math.min(size, from + perBatch);
      long at = System.currentTimeMillis();
      List<Event<?>> events = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        events.add(runs.get(i).step("s" + at, StepOutcome.PASS));
        lastWritten[i] = at;
      }
      write(ds, events);
      written += events.size();
    }
    return written;
  }

  private void write(HikariDataSource ds, List<Event<?>> events) throws Exception {
    List<StoredEvent> stored = new ArrayList<>(events.size());
    for (Event<?> e : events) {
      stored.add(new StoredEvent(e, "bench", 0, offset++));
    }
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      writer.write(c, stored);
      c.commit();
    }
  }

  @SuppressWarnings("unchecked")
  private static void report(int size, long written, double wall, double cpu, double browserCpu,
      Map<String, Object> r) {
    long[] dom = ((List<Number>) r.get("dom")).stream().mapToLong(Number::longValue).sorted().toArray();
    long[] frame = ((List<Number>) r.get("frame")).stream().mapToLong(Number::longValue).sorted().toArray();
    long shown = ((Number) r.get("shown")).longValue();
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    System.out.printf(Locale.ROOT, "bench: %d stations, %d s, load average %.1f%n", size, SECONDS, load);
    System.out.printf(Locale.ROOT,
        "bench:   update delay, write to DOM:   p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
        pct(dom, 50), pct(dom, 95), pct(dom, 99), dom.length == 0 ? -1 : dom[dom.length - 1]);
    System.out.printf(Locale.ROOT, "bench:   update delay, write to frame: p50 %d ms, p95 %d ms, p99 %d ms%n",
        pct(frame, 50), pct(frame, 95), pct(frame, 99));
    System.out.printf(Locale.ROOT, "bench:   updates written %d (%.0f/s), shown %d, coalesced (never shown) %d,"
        + " out of order %s%n", written, written / (double) SECONDS, shown, written - shown, r.get("stale"));
    System.out.printf(Locale.ROOT, "bench:   SSE messages %.1f/s, %.0f KB/s, reconnects %d%n",
        ((Number) r.get("msgs")).doubleValue() / wall, ((Number) r.get("bytes")).doubleValue() / wall / 1024,
        ((Number) r.get("opens")).longValue());
    System.out.printf(Locale.ROOT, "bench:   browser: JS heap %.1f MB, %s DOM nodes, long tasks %s (%s ms in %.0f s)%n",
        ((Number) r.get("heap")).doubleValue() / 1e6, r.get("nodes"), r.get("longTasks"), r.get("longMs"), wall);
    System.out.printf(Locale.ROOT, "bench:   web + bench JVM CPU (without the writer thread): %.0f %% of one core%n",
        100 * cpu / wall);
    System.out.printf(Locale.ROOT, "bench:   Chromium's processes' CPU (the page's work, whatever the load): %.0f %% of"
        + " one core%n", 100 * browserCpu / wall);
  }

  /** Linux's USER_HZ, the unit of /proc/PID/stat's times. */
  private static final int CLOCK_TICKS = 100;

  /** CPU time (user + system, in clock ticks) of this JVM's Chromium and chromedriver processes, from /proc. */
  private static long browserCpuTicks() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
        .mapToLong(p -> {
          try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
          } catch (IOException | RuntimeException e) {
            return 0; // the process ended meanwhile
          }
        }).sum();
  }

  private static long pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
