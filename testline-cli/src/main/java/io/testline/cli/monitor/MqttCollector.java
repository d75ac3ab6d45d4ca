package io.testline.cli.monitor;

import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a {@link LineState} from an MQTT wildcard subscription of every station's topics (Paho v5, QoS 1). Paho's
 * callback thread only queues the message; a thread of this collector parses and applies it. A full queue drops
 * the message and counts it ({@link #dropped}). Reconnects on its own; the session keeps the subscription.
 */
public final class MqttCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttCollector.class);
  private static final int QUEUE = 100_000;
  private static final Message RESUBSCRIBE = new Message("", new byte[0]);

  private record Message(String topic, byte[] payload) {}

  private final String url;
  private final MqttLogin login;
  private final LineState state;
  private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread applier;
  private volatile boolean connected;
  private volatile boolean closed;
  private MqttClient client;

  public MqttCollector(String mqttUrl, LineState state) {
    this(mqttUrl, MqttLogin.ANONYMOUS, state);
  }

  public MqttCollector(String mqttUrl, MqttLogin login, LineState state) {
    this.url = mqttUrl;
    this.login = login;
    this.state = state;
    this.applier = new Thread(this::applyLoop, "monitor-apply");
    this.applier.setDaemon(true);
  }

  /** Connects and subscribes; returns once the subscription is in place. */
  public synchronized MqttCollector start() throws MqttException {
    if (client != null) {
      return this;
    }
    client = new MqttClient(url, "testline-monitor-" + UUID.randomUUID(), new MemoryPersistence());
    client.setCallback(new Callback());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setSessionExpiryInterval(300L);
    options.setAutomaticReconnect(true);
    login.applyTo(options);
    applier.start();
    try {
      client.connect(options);
    } catch (MqttException e) {
      close(); // a refused login leaves no thread or client behind
      throw e;
    }
    connected = true;
    client.subscribe(Topics.mqttUplinkFilter(), 1);
    return this;
  }

  public boolean connected() {
    return connected;
  }

  /** Messages dropped because the view could not keep up. */
  public long dropped() {
    return dropped.get();
  }

  private void applyLoop() {
    while (!closed) {
      try {
        Message m = queue.poll(500, TimeUnit.MILLISECONDS);
        if (m == RESUBSCRIBE) {
          client.subscribe(Topics.mqttUplinkFilter(), 1);
        } else if (m != null) {
          state.apply(m.topic(), new String(m.payload(), StandardCharsets.UTF_8));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (MqttException | RuntimeException e) {
        log.warn("monitor: could not apply a message: {}", e.toString(), e);
      }
    }
  }

  private void hand(Message m) {
    if (!queue.offer(m)) {
      dropped.incrementAndGet();
    }
  }

  private final class Callback implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      hand(new Message(topic, message.getPayload()));
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      connected = false;
      log.warn("monitor: MQTT connection to {} lost: {}", url, response.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      log.warn("monitor: MQTT error: {}", exception.toString(), exception);
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      connected = true;
      if (reconnect) {
        hand(RESUBSCRIBE); // in case the session expired meanwhile; never subscribe on Paho's own thread
      }
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    applier.interrupt();
    if (client != null) {
      try {
        if (client.isConnected()) {
          client.disconnect();
        }
        client.close();
      } catch (MqttException e) {
        log.warn("monitor: closing the MQTT client: {}", e.toString(), e);
      }
    }
  }
}
