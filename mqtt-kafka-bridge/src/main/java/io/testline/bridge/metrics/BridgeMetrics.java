package io.testline.bridge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.testline.schemas.DeadLetterReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge's own meters, named {@code testline.bridge.*}. Also keeps the two facts health needs: how many
 * messages are in flight and when Kafka last acknowledged one.
 */
public final class BridgeMetrics {
  private final Counter in;
  private final Counter out;
  private final Counter downlinkEchoes;
  private final Counter produceRetries;
  private final Map<DeadLetterReason, Counter> deadLettered = new EnumMap<>(DeadLetterReason.class);
  private final Timer ackLatency;
  private final AckLatencyRecorder ackLatencies = new AckLatencyRecorder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
  private final MeterRegistry registry;

  public BridgeMetrics(MeterRegistry registry) {
    this.registry = registry;
    in = Counter.builder("testline.bridge.messages.in").description("MQTT messages received").register(registry);
    out = Counter.builder("testline.bridge.messages.out")
        .description("messages Kafka acknowledged on their topic, then acknowledged to MQTT").register(registry);
    downlinkEchoes = Counter.builder("testline.bridge.messages.downlink.echo")
        .description("verdict-topic messages seen through the uplink filter; acknowledged, not forwarded")
        .register(registry);
    produceRetries = Counter.builder("testline.bridge.produce.retries")
        .description("records sent again after a failed send").register(registry);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLettered.put(reason, Counter.builder("testline.bridge.messages.deadlettered")
          .description("messages written to the dead-letter topic, then acknowledged to MQTT")
          .tag("reason", reason.name()).register(registry));
    }
    ackLatency = Timer.builder("testline.bridge.ack.latency")
        .description("from MQTT receipt to the MQTT acknowledgement, i.e. including the Kafka ack")
        .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
        .register(registry);
    registry.gauge("testline.bridge.messages.inflight", inFlight);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void received() {
    in.increment();
    inFlight.incrementAndGet();
  }

  public void forwarded(long receivedNanos) {
    out.increment();
    acknowledged(receivedNanos);
  }

  public void deadLettered(DeadLetterReason reason, long receivedNanos) {
    deadLettered.get(reason).increment();
    acknowledged(receivedNanos);
  }

  public void downlinkEcho(long receivedNanos) {
    downlinkEchoes.increment();
    acknowledged(receivedNanos);
  }

  public void produceRetry() {
    produceRetries.increment();
  }

  /** Every MQTT receipt to acknowledgement latency, for readers that need exact intervals (the benchmark). */
  public AckLatencyRecorder ackLatencies() {
    return ackLatencies;
  }

  /** Messages received and not yet acknowledged. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Time since Kafka last acknowledged a forwarded or dead-lettered message. */
  public Duration sinceLastAck() {
    return Duration.ofNanos(System.nanoTime() - lastAckNanos.get());
  }

  public double forwardedCount() {
    return out.count();
  }

  public double deadLetteredCount(DeadLetterReason reason) {
    return deadLettered.get(reason).count();
  }

  private void acknowledged(long receivedNanos) {
    long now = System.nanoTime();
    inFlight.decrementAndGet();
    lastAckNanos.set(now);
    ackLatency.record(now - receivedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    ackLatencies.record(now - receivedNanos);
  }
}
