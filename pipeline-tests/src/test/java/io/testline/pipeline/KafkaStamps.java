package io.testline.pipeline;

import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.RunFinished;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark's side reader of the events and verdicts topics (no group, from the end of each partition): for each
 * run.finished, the agent's end time from the payload ({@code occurredAt}, journaled with it), the bridge's MQTT
 * receipt (its {@value Topics#HEADER_RECEIVED_AT} header) and the record's Kafka timestamp (CreateTime: when the
 * bridge's producer took the record); for each shopfloor verdict, its record's timestamp (when the shopfloor-bridge
 * produced it). Times are epoch milliseconds of this machine's one clock. Counts the events records whose timestamp
 * falls in a window, for the event rate whatever this reader's lag.
 */
final class KafkaStamps implements AutoCloseable {
  /** The timestamps of one run.finished: agent end ({@code occurredAt}), bridge receipt, Kafka record. */
  record Finished(long endedMs, long receivedMs, long producedMs) {}

  private static final byte[] RUN_FINISHED = MessageType.RUN_FINISHED.schemaId().getBytes(StandardCharsets.UTF_8);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String eventsTopic;
  private final Map<UUID, Finished> finished = new ConcurrentHashMap<>();
  private final Map<UUID, Long> verdictProduced = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  private final AtomicLong eventsInWindow = new AtomicLong();
  private final long windowFromMs;
  private final long windowToMs;

  private KafkaStamps(KafkaConsumer<byte[], byte[]> consumer, String eventsTopic, long windowFromMs,
      long windowToMs) {
    this.consumer = consumer;
    this.windowFromMs = windowFromMs;
    this.windowToMs = windowToMs;
    this.eventsTopic = eventsTopic;
    this.thread = new Thread(this::read, "bench-kafka-stamps");
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading {@code eventsTopic} and {@code verdictsTopic} from their current ends, counting the events records
   * stamped in [{@code windowFromMs}, {@code windowToMs}).
   */
  static KafkaStamps start(String bootstrapServers, String eventsTopic, String verdictsTopic, long windowFromMs,
      long windowToMs) {
    KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers);
    List<TopicPartition> partitions = partitions(consumer, eventsTopic, verdictsTopic);
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve the ends now, before the runs start
    KafkaStamps stamps = new KafkaStamps(consumer, eventsTopic, windowFromMs, windowToMs);
    stamps.thread.start();
    return stamps;
  }

  Finished finished(UUID runId) {
    return finished.get(runId);
  }

  Long verdictProduced(UUID runId) {
    return verdictProduced.get(runId);
  }

  /** Events records read so far whose timestamp is in the window. */
  long eventsInWindow() {
    return eventsInWindow.get();
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private void read() {
    try {
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.topic().equals(eventsTopic) && r.timestamp() >= windowFromMs && r.timestamp() < windowToMs) {
            eventsInWindow.incrementAndGet();
          }
          Header schema = r.headers().lastHeader(Topics.HEADER_SCHEMA);
          if (r.topic().equals(eventsTopic) && schema != null && !Arrays.equals(schema.value(), RUN_FINISHED)) {
            continue; // the bridge names each record's schema: parse only the run.finished
          }
          Event<?> e;
          try {
            e = EventJson.parse(r.value());
          } catch (RuntimeException notAnEvent) {
            continue;
          }
          if (e.data() instanceof RunFinished f) {
            Header received = r.headers().lastHeader(Topics.HEADER_RECEIVED_AT);
            long receivedMs = received == null ? -1
                : Instant.parse(new String(received.value(), StandardCharsets.UTF_8)).toEpochMilli();
            finished.putIfAbsent(f.runId(), new Finished(e.occurredAt().toEpochMilli(), receivedMs, r.timestamp()));
          } else if (e.data() instanceof ShopfloorVerdict v) {
            verdictProduced.putIfAbsent(v.runId(), r.timestamp());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    consumer.wakeup();
    thread.join(5_000);
  }

  /** The partitions of the topics, waiting for their metadata. */
  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String... topics) {
    return Arrays.stream(topics)
        .flatMap(t -> consumer.partitionsFor(t, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())))
        .toList();
  }
}
