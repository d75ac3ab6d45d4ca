package io.testline.agent.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.testline.agent.config.AgentConfig;
import io.testline.retry.RetryPolicy;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's MQTT v5 connection (Eclipse Paho): persistent session ({@code cleanStart=false} with a session expiry),
 * a Will given anew at each connect, optional TLS and credentials, and reconnection with exponential backoff and
 * jitter ({@link RetryPolicy}) on its own thread. Each connection uses a fresh client with in-memory persistence:
 * the journal, not Paho, is what resends unacknowledged events after a reconnect.
 *
 * <p>Paho's callback threads only hand work over: connection changes go to the connect thread, inbound messages to
 * a single inbound thread.
 */
public final class MqttLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttLink.class);
  /** MQTT 5's default when the broker sends no Receive Maximum. */
  static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;
  /** DISCONNECT reason 0x04: the broker publishes the Will although the client disconnects. */
  private static final int DISCONNECT_WITH_WILL = 0x04;

  /** The Will registered with a connect. */
  public record Will(String topic, byte[] payload, boolean retained) {}

  /** Told about connection changes, on the connect thread. */
  public interface Listener {
    /** Connected; at most {@code receiveMaximum} QoS 1 publishes may be unacknowledged at once. */
    void connected(int receiveMaximum);

    void disconnected();
  }

  private final AgentConfig.Mqtt settings;
  private final Supplier<Will> will;
  private final List<String> subscriptions;
  private final BiConsumer<String, byte[]> inbound;
  private final RetryPolicy retry;
  private final ScheduledExecutorService connector;
  private final ExecutorService inboundExecutor;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger failedAttempts = new AtomicInteger();
  private final Counter reconnects;
  private volatile MqttAsyncClient client;
  private volatile boolean connected;

  public MqttLink(AgentConfig.Mqtt settings, Supplier<Will> will, List<String> subscriptions,
      BiConsumer<String, byte[]> inbound, MeterRegistry metrics) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.will = will;
    this.subscriptions = List.copyOf(subscriptions);
    this.inbound = inbound;
    this.retry = RetryPolicy.forever(settings.reconnectInitialDelay(), settings.reconnectMaxDelay());
    this.connector = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mqtt-connect"));
    this.inboundExecutor = Executors.newSingleThreadExecutor(r -> daemon(r, "mqtt-inbound"));
    this.reconnects = Counter.builder("testline.agent.mqtt.reconnects")
        .description("connections to the broker made after the first").register(metrics);
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Starts connecting in the background; returns at once. */
  public void start() {
    if (started.compareAndSet(false, true)) {
      connector.execute(this::connect);
    }
  }

  public boolean isConnected() {
    return connected;
  }

  /** Publishes at QoS 1; {@code listener} hears of the PUBACK (on a Paho thread: hand over only). */
  public void publish(String topic, byte[] payload, boolean retained, Object context, MqttActionListener listener)
      throws MqttException {
    MqttAsyncClient c = client;
    if (c == null || !connected) {
      throw new MqttException(org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED);
    }
    c.publish(topic, payload, 1, retained, context, listener);
  }

  /**
   * Disconnects: normally (no Will) when {@code sendWill} is false, or asking the broker to publish the Will, for an
   * agent that leaves with events unsent. Idempotent.
   */
  public void close(boolean sendWill) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    connector.shutdownNow();
    MqttAsyncClient c = client;
    if (c != null) {
      try {
        if (c.isConnected()) {
          c.disconnect(2_000, null, null, sendWill ? DISCONNECT_WITH_WILL : 0, new MqttProperties())
              .waitForCompletion(3_000);
        }
      } catch (MqttException e) {
        log.warn("MQTT disconnect failed: {}", e.getMessage(), e);
      }
      closeClient(c);
    }
    connected = false;
    inboundExecutor.shutdown();
    try {
      connector.awaitTermination(5, TimeUnit.SECONDS);
      inboundExecutor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(false);
  }

  private void connect() {
    if (closed.get()) {
      return;
    }
    MqttAsyncClient c = null;
    try {
      c = new MqttAsyncClient(settings.url().toString(), settings.clientId(), new MemoryPersistence());
      c.setCallback(new Callback(c));
      IMqttToken token = c.connect(options());
      token.waitForCompletion(settings.connectTimeout().toMillis() + 1_000);
      Integer receiveMaximum = token.getResponseProperties() == null ? null
          : token.getResponseProperties().getReceiveMaximum();
      for (String filter : subscriptions) {
        c.subscribe(filter, 1).waitForCompletion(settings.connectTimeout().toMillis());
      }
      if (closed.get()) {
        closeClient(c);
        return;
      }
      client = c;
      connected = true;
      int attempts = failedAttempts.getAndSet(0);
      log.info("MQTT connected to {} as {} (session present: {}, receive maximum {}, after {} failed attempts)",
          settings.url(), settings.clientId(), token.getSessionPresent(), receiveMaximum, attempts);
      int window = receiveMaximum == null || receiveMaximum <= 0 ? DEFAULT_RECEIVE_MAXIMUM : receiveMaximum;
      listeners.forEach(l -> l.connected(window));
    } catch (MqttException | RuntimeException e) {
      if (c != null) {
        closeClient(c);
      }
      scheduleReconnect(e);
    }
  }

  private void scheduleReconnect(Throwable cause) {
    if (closed.get()) {
      return;
    }
    int attempt = failedAttempts.incrementAndGet();
    var delay = retry.delayAfter(attempt, ThreadLocalRandom.current());
    if (attempt == 1 || attempt % 10 == 0) {
      log.warn("MQTT cannot connect to {} (attempt {}): {}; retrying in {} ms", settings.url(), attempt,
          cause == null ? "connection lost" : cause.getMessage(), delay.toMillis());
    }
    connector.schedule(() -> {
      reconnects.increment();
      connect();
    }, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void lost(MqttAsyncClient which, String why) {
    if (which != client || closed.get()) {
      return;
    }
    connected = false;
    client = null;
    log.warn("MQTT connection to {} lost: {}", settings.url(), why);
    listeners.forEach(Listener::disconnected);
    closeClient(which);
    scheduleReconnect(null);
  }

  private MqttConnectionOptions options() throws MqttException {
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(false);
    o.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
    o.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
    o.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().toSeconds()));
    o.setAutomaticReconnect(false);
    if (settings.username() != null) {
      o.setUserName(settings.username());
      o.setPassword(settings.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (settings.tls()) {
      o.setSocketFactory(TlsSockets.factory(settings));
    }
    if (will != null) {
      Will w = will.get();
      MqttMessage message = new MqttMessage(w.payload(), 1, w.retained(), null);
      o.setWill(w.topic(), message);
    }
    return o;
  }

  private static void closeClient(MqttAsyncClient c) {
    try {
      if (c.isConnected()) {
        c.disconnectForcibly(0, 1_000, false);
      }
      c.close(true);
    } catch (MqttException e) {
      log.debug("closing MQTT client: {}", e.getMessage(), e);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Paho's callback: hands every event to the link's own threads. */
  private final class Callback implements MqttCallback {
    private final MqttAsyncClient owner;

    Callback(MqttAsyncClient owner) {
      this.owner = owner;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      String why = response.getException() != null ? response.getException().getMessage()
          : "reason code " + response.getReturnCode() + " " + response.getReasonString();
      submit(() -> lost(owner, why));
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      log.warn("MQTT error: {}", exception.getMessage(), exception);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      byte[] payload = message.getPayload();
      inboundExecutor.execute(() -> inbound.accept(topic, payload));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
      // acknowledgements are handled by each publish's own listener
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      // the connect thread handles completion itself
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
      log.warn("MQTT AUTH packet {} ignored: enhanced authentication is not configured", reasonCode);
    }

    private void submit(Runnable work) {
      if (!closed.get()) {
        connector.execute(work);
      }
    }
  }
}
