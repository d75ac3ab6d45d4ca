package io.testline.consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.testline.consumer.api.QueryApi;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.consumer.ingest.BatchProcessor;
import io.testline.consumer.ingest.DeadLetterSink;
import io.testline.consumer.ingest.IngestMetrics;
import io.testline.consumer.ingest.KafkaDeadLetterSink;
import io.testline.consumer.ingest.RecordDecoder;
import io.testline.consumer.ingest.StoreStage;
import io.testline.consumer.rebuild.Rebuild;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.kafka.ConsumerLoop;
import io.testline.kafka.KafkaClientProperties;
import io.testline.metrics.JvmMeters;
import io.testline.metrics.MetricsEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result consumer service, wired from its config: the connection pool (schema migrated at start), the consumer
 * loop with its batch processor and dead-letter sink, the query API, and the metrics registry with its
 * {@code /metrics} and {@code /health} endpoint. Closing it stops them in reverse order; close is idempotent.
 */
public final class ResultConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultConsumer.class);
  static final String COMPONENT = "result-consumer";

  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConsumerLoop loop;
  private final QueryApi api;
  private volatile MetricsEndpoint metricsEndpoint;
  private final HikariDataSource dataSource;
  private final CompletableFuture<Void> schemaReady;

  private ResultConsumer(ConsumerConfig config, boolean withApi) {
    try {
      closeables.push(JvmMeters.bindTo(registry));
      dataSource = StoreDataSource.create(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbPoolSize(),
          config.dbConnectTimeout());
      closeables.push(dataSource);
      // Flyway runs while the Kafka clients are built and the consumer joins its group; the writer stores nothing
      // before it is done, and start() fails as before when it fails
      schemaReady = migrateInBackground(dataSource);
      IngestMetrics metrics = new IngestMetrics(registry);
      DeadLetterSink deadLetters = new KafkaDeadLetterSink(kafka(config), config.topics().deadLetter(),
          COMPONENT + "/" + config.groupId());
      closeables.push(deadLetters);
      BatchProcessor processor = new BatchProcessor(dataSource, new EventWriter(),
          new RecordDecoder(config.topics()), deadLetters, metrics);
      KafkaConsumer<byte[], byte[]> consumer = consumer(config, config.groupId());
      KafkaClientMetrics kafkaMetrics = new KafkaClientMetrics(consumer);
      kafkaMetrics.bindTo(registry);
      closeables.push(kafkaMetrics);
      StoreStage store = new StoreStage(processor, metrics, schemaReady);
      closeables.push(store);
      loop = ConsumerLoop.builder(COMPONENT, consumer, topics(config)).pipelined(store)
          .retry(config.retry()).retryOn(StoreStage::retryable).pollTimeout(config.pollTimeout()).registry(registry)
          .build();
      closeables.push(loop);
      metrics.lagOf(loop::lag);
      if (withApi && config.httpPort() >= 0) {
        api = new QueryApi(dataSource, config.httpAccess(), config.httpTls(), config.httpCursorKey(), registry);
        closeables.push(api);
      } else {
        api = null;
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Builds and starts the service: the consumer loop while the schema is migrated, then, once it is, the query API.
   * Throws what the migration threw.
   */
  public static ResultConsumer start(ConsumerConfig config) {
    ResultConsumer service = new ResultConsumer(config, true);
    try {
      service.loop.start();
      log.info("result consumer started on topics {}", topics(config));
      service.startMetrics(config);
      awaitSchema(service.schemaReady);
      if (service.api != null) {
        service.api.start(config.httpHost(), config.httpPort());
      }
      return service;
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
  }

  /**
   * Replays the topics from the beginning into the configured (empty) database and returns when the end offsets
   * seen at the start are stored.
   */
  public static Rebuild.Result rebuild(ConsumerConfig config) throws InterruptedException {
    try (HikariDataSource dataSource = StoreDataSource.create(config.dbUrl(), config.dbUser(), config.dbPassword(),
             config.dbPoolSize(), config.dbConnectTimeout());
         DeadLetterSink logOnly = new LoggingDeadLetterSink();
         KafkaConsumer<byte[], byte[]> consumer = consumer(config, null)) {
      StoreDataSource.migrate(dataSource);
      IngestMetrics metrics = new IngestMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      BatchProcessor processor = new BatchProcessor(dataSource, new EventWriter(),
          new RecordDecoder(config.topics()), logOnly, metrics);
      return new Rebuild(consumer, dataSource, processor, config.retry(), config.pollTimeout()).run(topics(config));
    }
  }

  private void startMetrics(ConsumerConfig config) {
    if (config.metricsPort() < 0) {
      return;
    }
    try {
      metricsEndpoint = MetricsEndpoint.start(COMPONENT, config.metricsHost(), config.metricsPort(), registry,
          new ConsumerHealth(dataSource, loop), config.metricsAuth());
      closeables.push(metricsEndpoint);
    } catch (IOException e) {
      throw new UncheckedIOException("metrics.port: " + e.getMessage(), e);
    }
  }

  private static CompletableFuture<Void> migrateInBackground(HikariDataSource dataSource) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread migrating = new Thread(() -> {
      long started = System.nanoTime();
      try {
        StoreDataSource.migrate(dataSource);
        log.info("result store schema ready in {} ms", (System.nanoTime() - started) / 1_000_000);
        done.complete(null);
      } catch (RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
    }, "result-consumer-migrate");
    migrating.setDaemon(true);
    migrating.start();
    return done;
  }

  private static void awaitSchema(CompletableFuture<Void> schemaReady) {
    try {
      schemaReady.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  static List<String> topics(ConsumerConfig config) {
    return List.of(config.topics().events(), config.topics().logs(), config.topics().stationState(),
        config.topics().verdicts());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(ConsumerConfig config, String groupId) {
    Map<String, Object> props = kafka(config).consumer(groupId == null ? "rebuild" : UUID.randomUUID().toString(),
        groupId, Map.of(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            config.maxPollRecords()));
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static KafkaClientProperties kafka(ConsumerConfig config) {
    return new KafkaClientProperties(config.bootstrapServers(), COMPONENT, config.kafkaClient(), "kafka.client");
  }

  /** The query API's port, or -1 when it is disabled. */
  public int httpPort() {
    return api == null ? -1 : api.port();
  }

  /** The port of {@code /metrics} and {@code /health}, or -1 when they are not served. */
  public int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Blocks until the consumer loop ends by itself (a fatal error) or the service is closed. */
  public void awaitTermination() throws InterruptedException {
    while (!loop.awaitTermination(Duration.ofSeconds(60))) {
      log.debug("result consumer still running");
    }
  }

  /** The fatal error that ended the consumer loop, if any. */
  public Throwable failure() {
    return loop.failure();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      while (!closeables.isEmpty()) {
        AutoCloseable c = closeables.pop();
        try {
          c.close();
        } catch (Exception e) {
          log.warn("closing {} failed", c.getClass().getSimpleName(), e);
        }
      }
      registry.close();
      log.info("result consumer stopped");
    }
  }
}
