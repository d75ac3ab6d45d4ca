package io.testline.bridge.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.reactivex.schedulers.Schedulers;
import io.testline.bridge.config.BridgeConfig;
import io.testline.bridge.forward.InboundMessage;
import io.testline.retry.RetryPolicy;
import io.testline.tls.KeyStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's MQTT 5 connection (HiveMQ MQTT client): a persistent session ({@code cleanStart=false}) with a
 * shared subscription over the uplink, QoS 1 and manual acknowledgement, plus QoS 1 publishing for the downlink.
 *
 * <p>The publish callback is registered globally <em>before</em> connecting: a resumed session delivers its queued
 * messages right after CONNACK, before any SUBSCRIBE, and the client acknowledges a message that no flow takes.
 * The callback runs on the client's event loop and only hands the message over. The client sends PUBACKs in the
 * order the messages arrived, whatever the order of {@code acknowledge()} calls, as MQTT requires.
 *
 * <p>The client's application scheduler is {@code trampoline}: publish callbacks and future completions run on the
 * event loop itself. With the default (RxJava's computation pool) every message took one more thread hop, and each
 * time that pool fell behind its prefetch of 128 the client's incoming-publish queue became "blocked", after which
 * it walked every unacknowledged message on each new PUBLISH (a third of the event loop's CPU in a JFR profile at a
 * window of a few thousand). Everything run there must therefore only hand work over: the sink enqueues, and the
 * completions of {@link #publish} and SUBSCRIBE only count and log.
 */
public final class MqttConnection implements MqttPublisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);
  private static final RetryPolicy CONNECT_RETRY = RetryPolicy.forever(Duration.ofMillis(200), Duration.ofSeconds(5));

  private final BridgeConfig.Mqtt config;
  private final int maximumPacketSize;
  private final Mqtt5AsyncClient client;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean subscribed = new AtomicBoolean();

  /**
   * Builds the client; {@code sink} receives every message of the subscription and must not block. The broker is
   * asked to send no packet larger than {@code maximumPacketSize} (MQTT 5 Maximum Packet Size).
   */
  public MqttConnection(BridgeConfig.Mqtt config, int maximumPacketSize, Consumer<InboundMessage> sink) {
    this.config = config;
    this.maximumPacketSize = maximumPacketSize;
    Mqtt5ClientBuilder builder = Mqtt5Client.builder()
        .identifier(config.clientId())
        .serverHost(config.url().getHost())
        .serverPort(config.url().getPort() > 0 ? config.url().getPort()
            : "ssl".equalsIgnoreCase(config.url().getScheme()) ? 8883 : 1883)
        .automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(5, TimeUnit.SECONDS).applyAutomaticReconnect()
        // Callbacks run on the client's event loop instead of hopping to RxJava's computation pool; see the class doc.
        .executorConfig().applicationScheduler(Schedulers.trampoline()).applyExecutorConfig()
        .addConnectedListener(context -> {
          log.info("MQTT connected to {} as {}", config.url(), config.clientId());
          if (subscribed.get()) {
            resubscribe();
          }
        })
        .addDisconnectedListener(context -> {
          if (!closed.get()) {
            log.warn("MQTT disconnected from {}: {}; reconnecting", config.url(), context.getCause().toString());
          }
        });
    if ("ssl".equalsIgnoreCase(config.url().getScheme())) {
      builder = config.trustStore() == null ? builder.sslWithDefaultConfig()
          : builder.sslConfig().trustManagerFactory(trust(config)).applySslConfig();
    }
    if (config.username() != null) {
      builder = builder.simpleAuth().username(config.username())
          .password(config.password().getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
    }
    client = builder.buildAsync();
    client.publishes(MqttGlobalPublishFilter.ALL, publish -> sink.accept(toInbound(publish)), true);
  }

  private static TrustManagerFactory trust(BridgeConfig.Mqtt config) {
    try {
      return KeyStores.trusting(config.trustStore(), config.trustStorePassword());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("mqtt.tls.trustStore: cannot read " + config.trustStore() + ": "
          + e.getMessage(), e);
    }
  }

  private static InboundMessage toInbound(Mqtt5Publish publish) {
    return new InboundMessage(publish.getTopic().toString(), publish.getPayloadAsBytes(), Instant.now(),
        System.nanoTime(), publish::acknowledge);
  }

  /** Connects (retrying until the broker answers or the connection is closed) and subscribes. */
  public void connect() throws InterruptedException {
    for (int attempt = 1; !closed.get(); attempt++) {
      try {
        var connAck = client.connectWith()
            .cleanStart(false)
            .sessionExpiryInterval(config.sessionExpiry().toSeconds())
            .restrictions().receiveMaximum(config.receiveMaximum()).maximumPacketSize(maximumPacketSize)
            .applyRestrictions()
            .send().get(30, TimeUnit.SECONDS);
        log.info("MQTT session {} (session present: {}), subscribing to {}", config.clientId(),
            connAck.isSessionPresent(), config.sharedFilter());
        client.subscribeWith().topicFilter(config.sharedFilter()).qos(MqttQos.AT_LEAST_ONCE)
            .send().get(30, TimeUnit.SECONDS);
        subscribed.set(true);
        return;
      } catch (ExecutionException | TimeoutException e) {
        Duration delay = CONNECT_RETRY.delayAfter(attempt, ThreadLocalRandom.current());
        log.warn("MQTT connect to {} failed (attempt {}), retrying in {}: {}", config.url(), attempt, delay,
            e.toString());
        if (client.getState().isConnectedOrReconnect()) {
          // the client's own reconnect is running; wait for it instead of racing it
          client.disconnect();
        }
        TimeUnit.NANOSECONDS.sleep(delay.toNanos());
      }
    }
  }

  /**
   * Subscribes again after the client's automatic reconnect, without blocking its event loop. A broker that lost
   * the session (no persistence, a crash before its autosave) or restored it without its shared subscription
   * (mosquitto 2.0 after kill -9) would otherwise hold a connected bridge that receives nothing while stations'
   * messages are acknowledged and dropped. SUBSCRIBE to the same filter replaces the subscription (MQTT 5,
   * 3.8.4), so doing it on a session the broker kept is harmless.
   */
  private void resubscribe() {
    client.subscribeWith().topicFilter(config.sharedFilter()).qos(MqttQos.AT_LEAST_ONCE).send()
        .whenComplete((subAck, e) -> {
          if (e != null) {
            log.warn("MQTT resubscribe to {} failed: {}", config.sharedFilter(), e.toString());
          } else {
            log.info("MQTT resubscribed to {} after reconnecting: {}", config.sharedFilter(),
                subAck.getReasonCodes());
          }
        });
  }

  public boolean isConnected() {
    return client.getState().isConnected();
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload) {
    return client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send()
        .thenApply(MqttConnection::requireSuccess);
  }

  private static Void requireSuccess(Mqtt5PublishResult result) {
    if (result.getError().isPresent()) {
      throw new IllegalStateException("publish failed: " + result.getError().get(), result.getError().get());
    }
    if (result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1 && qos1.getPubAck().getReasonCode().isError()) {
      throw new IllegalStateException("broker refused the publish: " + qos1.getPubAck().getReasonCode());
    }
    return null;
  }

  /** Disconnects, keeping the session: unacknowledged messages come again on the next connect. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        client.disconnect().get(5, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.warn("MQTT disconnect from {} did not complete cleanly: {}", config.url(), e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
