package io.testline.shopfloor;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.testline.kafka.KafkaClientProperties;
import io.testline.metrics.HealthReport;
import io.testline.metrics.JvmMeters;
import io.testline.metrics.MetricsEndpoint;
import io.testline.schemas.Ids;
import io.testline.schemas.Verdict;
import io.testline.shopfloor.adapter.HttpShopfloorAdapter;
import io.testline.shopfloor.adapter.ShopfloorAdapter;
import io.testline.shopfloor.config.ShopfloorBridgeConfig;
import io.testline.shopfloor.dispatch.DispatchListener;
import io.testline.shopfloor.dispatch.Dispatcher;
import io.testline.shopfloor.dispatch.GuardedAdapter;
import io.testline.shopfloor.intake.RunIntake;
import io.testline.shopfloor.ledger.Ledger;
import io.testline.shopfloor.metrics.ShopfloorMetrics;
import io.testline.shopfloor.verdicts.VerdictPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shopfloor-bridge instance: intake from Kafka into the ledger, dispatch from the ledger to the shopfloor,
 * verdicts from the ledger back to Kafka, and metrics. Only wiring lives here; each part does one job.
 * {@link #start()} and {@link #close()} are idempotent; close stops the parts in reverse order.
 */
public final class ShopfloorBridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ShopfloorBridge.class);
  private static final long STATS_INTERVAL_MS = 2_000;

  private final ShopfloorBridgeConfig config;
  private final UUID session = Ids.newId();
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private final HikariDataSource dataSource;
  private final Ledger ledger;
  private final PrometheusMeterRegistry registry;
  private final ShopfloorMetrics metrics;
  private final VerdictPublisher publisher;
  private final Dispatcher dispatcher;
  private final RunIntake intake;
  private final ScheduledExecutorService statsPoller;
  private final MetricsEndpoint metricsServer;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A bridge with the HTTP reference adapter. */
  public ShopfloorBridge(ShopfloorBridgeConfig config) {
    this(config, new HttpShopfloorAdapter(config.shopfloor()), Clock.systemUTC());
  }

  /** A bridge with any adapter; it takes ownership of {@code adapter}. */
  public ShopfloorBridge(ShopfloorBridgeConfig config, ShopfloorAdapter adapter, Clock clock) {
    this.config = config;
    try {
      GuardedAdapter guard = register(new GuardedAdapter(adapter, config.guard()));
      this.dataSource = register(dataSource(config));
      Ledger.migrate(dataSource);
      this.ledger = new Ledger(dataSource);
      this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      register(registry::close);
      register(JvmMeters.bindTo(registry));
      this.metrics = new ShopfloorMetrics(registry, clock);

      KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(config), new StringSerializer(),
          new ByteArraySerializer());
      register(new KafkaClientMetrics(producer)).bindTo(registry);
      this.publisher = register(new VerdictPublisher(producer, config.topics().verdicts(), ledger, session));

      DispatchListener wakePublisher = new DispatchListener() {
        @Override
        public void verdictRecorded(Verdict verdict) {
          publisher.wake();
        }
      };
      this.dispatcher = register(new Dispatcher(ledger, guard, config.dispatch(), clock,
          DispatchListener.of(metrics, wakePublisher)));

      KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config));
      register(new KafkaClientMetrics(consumer)).bindTo(registry);
      this.intake = register(new RunIntake(consumer, config.topics().events(), ledger, clock,
          new RunIntake.IntakeListener() {
            @Override
            public void recorded(int inserted) {
              metrics.recorded(inserted);
              dispatcher.wake();
            }

            @Override
            public void unreadable(ConsumerRecord<byte[], byte[]> record, RuntimeException problem) {
              log.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(),
                  record.offset(), problem.getMessage());
              metrics.unreadable();
            }
          }, registry));

      this.statsPoller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shopfloor-ledger-stats");
        t.setDaemon(true);
        return t;
      });
      register(statsPoller::shutdownNow);
      this.metricsServer = config.metricsPort() < 0 ? null : register(startMetrics(config, registry));
    } catch (RuntimeException e) {
      closeAll();
      throw e;
    }
  }

  /** Starts the publisher, the dispatcher and the intake. Idempotent. */
  public ShopfloorBridge start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      return this;
    }
    publisher.start();
    dispatcher.start();
    intake.start();
    statsPoller.scheduleWithFixedDelay(this::refreshStats, 0, STATS_INTERVAL_MS, TimeUnit.MILLISECONDS);
    log.info("shopfloor bridge {} started: {}", session, config);
    return this;
  }

  private void refreshStats() {
    try {
      metrics.update(ledger.stats());
    } catch (Exception e) {
      log.warn("could not read ledger statistics for the metrics", e);
    }
  }

  public Ledger ledger() {
    return ledger;
  }

  public UUID session() {
    return session;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The metrics port, or -1 when metrics are not served. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  private MetricsEndpoint startMetrics(ShopfloorBridgeConfig config, PrometheusMeterRegistry registry) {
    try {
      return MetricsEndpoint.start("shopfloor-bridge", config.metricsHost(), config.metricsPort(), registry,
          () -> closed.get() ? HealthReport.down(Map.of("closed", true)) : HealthReport.up(Map.of()),
          config.metricsAuth());
    } catch (IOException e) {
      throw new UncheckedIOException("metrics.port: " + e.getMessage(), e);
    }
  }

  /** Wakes the dispatcher, e.g. after a redrive. */
  public void wake() {
    dispatcher.wake();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeAll();
      log.info("shopfloor bridge {} stopped", session);
    }
  }

  private void closeAll() {
    while (!closeables.isEmpty()) {
      AutoCloseable c = closeables.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("could not close {}", c, e);
      }
    }
  }

  private <T extends AutoCloseable> T register(T closeable) {
    closeables.push(closeable);
    return closeable;
  }

  /** A connection pool for the ledger; also used by the CLI's ledger commands. */
  public static HikariDataSource dataSource(ShopfloorBridgeConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.dbUser());
    hikari.setPassword(config.dbPassword());
    hikari.setMaximumPoolSize(config.dbPoolSize());
    hikari.setPoolName("shopfloor-ledger");
    // fail at once rather than hang when PostgreSQL is unreachable at start; later outages are retried
    hikari.setInitializationFailTimeout(10_000);
    return new HikariDataSource(hikari);
  }

  private static Map<String, Object> consumerProperties(ShopfloorBridgeConfig config) {
    return kafka(config).consumer("intake", config.groupId(), Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500));
  }

  private static Map<String, Object> producerProperties(ShopfloorBridgeConfig config) {
    return kafka(config).producer("verdicts", Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
  }

  /** The Kafka clients of the shopfloor-bridge; also checks {@code kafka.client.*} at config load. */
  public static KafkaClientProperties kafka(ShopfloorBridgeConfig config) {
    return new KafkaClientProperties(config.bootstrapServers(), "shopfloor-bridge", config.kafkaClient(),
        "kafka.client");
  }
}
