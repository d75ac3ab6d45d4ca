package io.testline.cli.tail;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.cli.events.EventFilter;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live stream of Kafka topics as JSON lines (one event each, compact) on a {@link PrintStream}, filtered: every
 * partition assigned, positioned at the end (or the beginning), no consumer group. {@link #run} owns the consumer
 * until {@link #close} (from any thread) wakes it up; values that are not JSON are skipped.
 */
public final class EventTail implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventTail.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final List<String> topics;
  private final EventFilter filter;
  private final boolean fromBeginning;
  private final PrintStream out;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final CountDownLatch positioned = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object lifecycle = new Object();
  private boolean closing;
  private boolean running;

  public EventTail(Map<String, Object> clientProps, List<String> topics, EventFilter filter, boolean fromBeginning,
      PrintStream out) {
    this.topics = List.copyOf(topics);
    this.filter = filter;
    this.fromBeginning = fromBeginning;
    this.out = out;
    Properties props = new Properties();
    props.putAll(clientProps);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Streams until {@link #close}; closes the consumer at the end. Call once, from the thread that owns it. */
  @Override
  public void run() {
    synchronized (lifecycle) {
      if (closing || running) {
        return;
      }
      running = true;
    }
    try {
      position();
      while (!isClosing()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          print(r);
        }
        out.flush();
      }
    } catch (WakeupException e) {
      if (!isClosing()) {
        throw e;
      }
    } finally {
      consumer.close();
      stopped.countDown();
    }
  }

  /** Whether every partition has its starting position, so anything written from now on will be shown. */
  public boolean awaitPositioned(Duration timeout) throws InterruptedException {
    return positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void position() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      consumer.partitionsFor(topic, TIMEOUT).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    partitions.forEach(p -> consumer.position(p, TIMEOUT)); // seeks are lazy: resolve them now
    positioned.countDown();
  }

  private void print(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return;
    }
    JsonNode event;
    try {
      event = EventJson.mapper().readTree(r.value());
    } catch (IOException e) {
      log.debug("tail: skipping a value of {}-{}@{} that is not JSON", r.topic(), r.partition(), r.offset());
      return;
    }
    if (event != null && event.isObject() && filter.matches(event)) {
      out.println(event.toString());
    }
  }

  /** Stops {@link #run} and waits for it to close the consumer; idempotent. */
  @Override
  public void close() throws InterruptedException {
    boolean wasRunning;
    synchronized (lifecycle) {
      if (closing) {
        return;
      }
      closing = true;
      wasRunning = running;
    }
    if (wasRunning) {
      consumer.wakeup();
      stopped.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } else {
      consumer.close();
    }
  }

  private boolean isClosing() {
    synchronized (lifecycle) {
      return closing;
    }
  }
}
