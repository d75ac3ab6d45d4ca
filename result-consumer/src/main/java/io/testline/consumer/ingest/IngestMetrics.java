package io.testline.consumer.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.testline.consumer.store.WriteStats;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The consumer's meters, named {@code testline.consumer.*}: events by result, rows written by table, batch
 * latency, Kafka-to-committed latency, errors by kind and the consumer lag.
 */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Counter stored;
  private final Counter duplicates;
  private final Counter deadLettered;
  private final Counter transientErrors;
  private final Counter permanentErrors;
  private final Timer batchLatency;
  private final Timer commitLatency;
  private final Map<String, Counter> rows = new ConcurrentHashMap<>();

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.stored = Counter.builder("testline.consumer.events").tag("result", "stored")
        .description("events stored for the first time").register(registry);
    this.duplicates = Counter.builder("testline.consumer.events").tag("result", "duplicate")
        .description("events skipped as already stored").register(registry);
    this.deadLettered = Counter.builder("testline.consumer.events").tag("result", "dead_lettered")
        .description("records sent to the dead-letter topic").register(registry);
    this.transientErrors = Counter.builder("testline.consumer.errors").tag("kind", "transient")
        .description("batches that failed and will be retried").register(registry);
    this.permanentErrors = Counter.builder("testline.consumer.errors").tag("kind", "permanent")
        .description("records that can never be stored").register(registry);
    this.batchLatency = Timer.builder("testline.consumer.batch.latency")
        .description("time to store one poll batch, from the first statement to the database commit")
        .publishPercentiles(0.5, 0.99).register(registry);
    this.commitLatency = Timer.builder("testline.consumer.commit.latency")
        .description("from a record's Kafka timestamp to its offset being committed after the database commit")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  void batch(WriteStats stats, Duration took) {
    batchLatency.record(took);
    stored.increment(stats.applied());
    duplicates.increment(stats.duplicates());
    stats.rowsByTable().forEach((table, n) -> rows.computeIfAbsent(table, t ->
        Counter.builder("testline.consumer.rows.written").tag("table", t)
            .description("rows inserted or updated").register(registry)).increment(n));
  }

  void deadLettered(int n) {
    deadLettered.increment(n);
    permanentErrors.increment(n);
  }

  void transientError() {
    transientErrors.increment();
  }

  void committed(long recordTimestampMs, long nowMs) {
    commitLatency.record(Duration.ofMillis(Math.max(0, nowMs - recordTimestampMs)));
  }

  /** Reports the consumer lag, records behind over the assigned partitions, as {@code lag} tells it. */
  public void lagOf(LongSupplier lag) {
    Gauge.builder("testline.consumer.lag", lag, LongSupplier::getAsLong)
        .description("records behind, over the assigned partitions").strongReference(true).register(registry);
  }

  public Timer commitLatency() {
    return commitLatency;
  }
}
