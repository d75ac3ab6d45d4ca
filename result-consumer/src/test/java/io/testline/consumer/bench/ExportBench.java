package io.testline.consumer.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Brokers;
import io.testline.brokers.Database;
import io.testline.brokers.PostgresServer;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.consumer.store.StoredEvent;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.interop.ExportFormat;
import io.testline.interop.model.RunsWriter;
import io.testline.interop.store.RunLoader;
import io.testline.interop.store.RunSelection;
import io.testline.interop.store.RunWindow;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports a window of {@code runs} stored runs (default 5,000; RunFixture's: 2 steps, 2 measurements, 3-4 log lines,
 * a verdict each) in every format, to a stream that only counts bytes: runs per second, bytes, and the heap's peak
 * use during the export (after a GC before it), which must not grow with the window. Not a test: run with the test
 * class path, e.g. {@code java -cp ... io.testline.consumer.bench.ExportBench 20000}.
 */
public final class ExportBench {
  private ExportBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    try (PostgresServer postgres = Brokers.fromEnvironment().postgres()) {
      Database db = postgres.newDatabase("bench_export");
      try (HikariDataSource ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2,
          Duration.ofSeconds(5))) {
        StoreDataSource.migrate(ds);
        store(ds, RunFixture.runs(n, 0));
        RunWindow window = new RunWindow(ds, new RunLoader(ds));
        RunSelection all = RunSelection.window(RunFixture.T0, RunFixture.T0.plusSeconds(n + 1), null);
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
          for (ExportFormat format : ExportFormat.values()) {
            System.gc();
            resetPeaks();
            long[] bytes = {0};
            OutputStream counting = new OutputStream() {
              @Override
              public void write(int b) {
                bytes[0]++;
              }

              @Override
              public void write(byte[] b, int off, int len) {
                bytes[0] += len;
              }
            };
            long start = System.nanoTime();
            long runs;
            try (RunsWriter w = format.writer(counting, true)) {
              runs = window.forEach(all, w::write);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (round == 1) {
              System.out.printf("%-8s %,d runs in %.1f s = %,.0f runs/s, %,d bytes, heap peak %,d MB%n", format,
                  runs, seconds, runs / seconds, bytes[0], heapPeak() >> 20);
            }
          }
        }
      }
    }
  }

  private static void store(HikariDataSource ds, List<Run> runs) throws Exception {
    EventWriter writer = new EventWriter();
    List<StoredEvent> batch = new ArrayList<>();
    long offset = 0;
    for (Run r : runs) {
      for (var e : r.events()) {
        batch.add(new StoredEvent(e, "t", 0, offset++));
      }
      for (var e : r.logs()) {
        batch.add(new StoredEvent(e, "t", 0, offset++));
      }
      batch.add(new StoredEvent(r.verdict(), "t", 0, offset++));
      if (batch.size() >= 5_000) {
        write(ds, writer, batch);
      }
    }
    write(ds, writer, batch);
  }

  private static void write(HikariDataSource ds, EventWriter writer, List<StoredEvent> batch) throws Exception {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      writer.write(c, batch);
      c.commit();
    }
    batch.clear();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peaks: an upper bound of the heap in use at once. */
  private static long heapPeak() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
