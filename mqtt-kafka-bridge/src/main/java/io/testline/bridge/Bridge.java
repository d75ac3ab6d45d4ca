package io.testline.bridge;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.testline.bridge.config.BridgeConfig;
import io.testline.bridge.config.KafkaClientProps;
import io.testline.bridge.deadletter.DeadLetterRecords;
import io.testline.bridge.downlink.VerdictDownlink;
import io.testline.bridge.forward.Forwarder;
import io.testline.bridge.forward.Router;
import io.testline.bridge.gaps.GapDetector;
import io.testline.bridge.metrics.BridgeMetrics;
import io.testline.bridge.metrics.Health;
import io.testline.bridge.mqtt.MqttConnection;
import io.testline.metrics.JvmMeters;
import io.testline.metrics.MetricsEndpoint;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.TopicNames;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import io.testline.bridge.topics.TopicAdmin;
import io.testline.bridge.topics.TopicCatalog;
import org.apache.kafka.clients.admin.AdminClientConfig;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge instance, wired from its config: the forward path (MQTT shared subscription to Kafka), the verdict
 * downlink, gap detection, metrics and health. Built with {@code new}, started with {@link #start()}, stopped with
 * {@link #close()}; both idempotent.
 */
public final class Bridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Bridge.class);

  private final BridgeConfig config;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final BridgeMetrics metrics = new BridgeMetrics(registry);
  private final Producer<byte[], byte[]> producer;
  private final KafkaClientMetrics producerMetrics;
  private final Forwarder forwarder;
  private final MqttConnection mqtt;
  private final VerdictDownlink downlink;
  private final GapDetector gaps;
  private final Health health;
  private final AtomicBoolean startCalled = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final JvmMeters jvmMeters;
  private MetricsEndpoint http;

  public Bridge(BridgeConfig config) {
    this.config = config;
    jvmMeters = JvmMeters.bindTo(registry);
    TopicNames topics = new TopicNames(config.kafka().topicPrefix());
    MessageValidator validator = new MessageValidator(config.forward().maxMessageBytes());
    producer = new KafkaProducer<>(KafkaClientProps.producer(config, "producer"));
    producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);
    // Dead letters must fit the topic: its max.message.bytes minus room for key and headers.
    int maxDeadLetterBytes = (int) Math.min(Integer.MAX_VALUE - 1, config.topics().maxMessageBytes() - 64 * 1024);
    DeadLetterRecords deadLetters = new DeadLetterRecords(topics.deadLetter(), config.instanceId(), maxDeadLetterBytes);
    forwarder = new Forwarder(new Router(validator, topics), producer, deadLetters, metrics, config.instanceId(),
        config.forward().workers());
    mqtt = new MqttConnection(config.mqtt(), config.forward().maximumPacketSize(), forwarder::accept);
    downlink = config.downlink().enabled()
        ? new VerdictDownlink(new KafkaConsumer<>(KafkaClientProps.consumer(config, "downlink",
            config.downlink().groupId())), topics.verdicts(), mqtt, validator, producer, deadLetters, registry)
        : null;
    gaps = config.gaps().enabled()
        ? new GapDetector(new KafkaConsumer<>(KafkaClientProps.consumer(config, "gaps", config.gaps().groupId())),
            topics.sequenced(), producer, topics.seqGaps(), topics.seqState(), mqtt, config.gaps().grace(),
            Clock.systemUTC(), registry)
        : null;
    health = new Health(mqtt::isConnected, metrics, config.http().stuckAfter());
  }

  /** Starts every part and returns once MQTT is connected and subscribed. */
  public void start() throws InterruptedException, IOException {
    if (!startCalled.compareAndSet(false, true)) {
      return;
    }
    checkTopicReplication();
    forwarder.start();
    mqtt.connect();
    if (downlink != null) {
      downlink.start();
    }
    if (gaps != null) {
      gaps.start();
    }
    if (config.http().port() >= 0) {
      http = MetricsEndpoint.start("bridge", config.http().host(), config.http().port(), registry, health,
          config.http().auth());
    }
    log.info("bridge {} started: {} -> Kafka {} (topic prefix \"{}\")", config.instanceId(),
        config.mqtt().sharedFilter(), config.kafka().bootstrapServers(), config.kafka().topicPrefix());
  }

  /**
   * Refuses to start on existing topics with less replication than the config requires (a ConfigException naming
   * the key), unless {@code topics.acceptUnderReplicated}. A Kafka that does not answer within 10 s is no reason to
   * refuse: the bridge then holds MQTT unacknowledged as in any outage, and the check is skipped with a warning.
   */
  private void checkTopicReplication() throws InterruptedException {
    Map<String, Object> props = new HashMap<>(KafkaClientProps.admin(config));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    try (TopicAdmin admin = new TopicAdmin(props)) {
      admin.requireReplication(TopicCatalog.of(config, admin.brokerCount()),
          config.topics().acceptUnderReplicated());
    } catch (TimeoutException | IllegalStateException e) {
      log.warn("could not check the replication of the topics ({}); starting without the check", e.toString());
    }
  }

  public BridgeMetrics metrics() {
    return metrics;
  }

  public Health health() {
    return health;
  }

  /** The HTTP port, or -1 when the endpoint is off or not started. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /**
   * Stops in the order that loses least: HTTP, gap detection and downlink first; then the forward workers; then
   * the producer is flushed so acknowledgements of records already sent reach the broker; then MQTT disconnects
   * (the session and every unacknowledged message stay with the broker); then the producer closes.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (http != null) {
      http.close();
    }
    closeQuietly(gaps);
    closeQuietly(downlink);
    closeQuietly(forwarder);
    flushWithin(Duration.ofSeconds(10));
    closeQuietly(mqtt);
    closeQuietly(producerMetrics);
    producer.close(Duration.ofSeconds(10));
    jvmMeters.close();
    registry.close();
    log.info("bridge {} stopped", config.instanceId());
  }

  /** Flushes on a helper thread: during a Kafka outage flush() would wait as long as the delivery timeout. */
  private void flushWithin(Duration limit) {
    Thread flusher = new Thread(() -> {
      try {
        producer.flush();
      } catch (RuntimeException e) {
        log.warn("producer flush at shutdown failed; unacknowledged messages will be delivered again", e);
      }
    }, "bridge-flush");
    flusher.setDaemon(true);
    flusher.start();
    try {
      flusher.join(limit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (flusher.isAlive()) {
      log.warn("producer did not flush within {}; unacknowledged messages will be delivered again", limit);
    }
  }

  private static void closeQuietly(AutoCloseable part) {
    if (part == null) {
      return;
    }
    try {
      part.close();
    } catch (Exception e) {
      log.warn("closing {} failed", part.getClass().getSimpleName(), e);
    }
  }
}
