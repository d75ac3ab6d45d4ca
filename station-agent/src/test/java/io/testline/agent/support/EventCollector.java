package io.testline.agent.support;

import io.testline.brokers.MessageCallback;
import io.testline.brokers.MqttBroker;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.Payload;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * A monitor of one station's topics: a real MQTT subscriber with a persistent session (so it also receives what was
 * published while the broker restarted) that reconnects by itself. Keeps every message in arrival order.
 */
public final class EventCollector implements AutoCloseable {
  /** One received message. */
  public record Received(String topic, Event<?> event, byte[] payload, boolean retained, long receivedNanos) {}

  private final MqttAsyncClient client;
  private final List<Received> received = new ArrayList<>();
  private volatile java.util.function.BiConsumer<EventCollector, Received> onMessage = (c, r) -> { };

  public EventCollector(MqttBroker broker, String stationId) throws MqttException {
    client = new MqttAsyncClient(broker.serverUri(), "collector-" + stationId, new MemoryPersistence());
    client.setCallback((MessageCallback) (topic, message) -> {
      if (topic.endsWith("/" + io.testline.schemas.Topics.Kind.RESEND.level())) {
        return; // the bridge's resend request (a sequence gap record), not an event
      }
      Received r = new Received(topic, EventJson.parse(message.getPayload()), message.getPayload(),
          message.isRetained(),
          System.nanoTime());
      synchronized (received) {
        received.add(r);
      }
      onMessage.accept(EventCollector.this, r);
    });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(false);
    o.setSessionExpiryInterval(600L);
    o.setAutomaticReconnect(true);
    o.setAutomaticReconnectDelay(1, 1);
    o.setReceiveMaximum(1000);
    client.connect(o).waitForCompletion(10_000);
    client.subscribe("testline/v1/" + stationId + "/#", 1).waitForCompletion(10_000);
  }

  /** Called for every message on the Paho thread (tests use it to play the shopfloor). */
  public void onMessage(java.util.function.BiConsumer<EventCollector, Received> handler) {
    this.onMessage = handler;
  }

  public void publish(String topic, byte[] payload) throws MqttException {
    client.publish(topic, payload, 1, false);
  }

  public List<Received> all() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  @SuppressWarnings("unchecked")
  public <T extends Payload> List<Event<T>> events(Class<T> type) {
    List<Event<T>> out = new ArrayList<>();
    for (Received r : all()) {
      if (type.isInstance(r.event().data())) {
        out.add((Event<T>) r.event());
      }
    }
    return out;
  }

  /** Events with distinct eventIds: what an idempotent consumer stores. */
  public <T extends Payload> List<Event<T>> distinct(Class<T> type) {
    Map<UUID, Event<T>> byId = new LinkedHashMap<>();
    for (Event<T> e : events(type)) {
      byId.putIfAbsent(e.eventId(), e);
    }
    return new ArrayList<>(byId.values());
  }

  public List<Event<RunFinished>> finished(Predicate<RunFinished> which) {
    return distinct(RunFinished.class).stream().filter(e -> which.test(e.data())).toList();
  }

  /** The run's log entries of one stream, in line order, from distinct chunks. */
  public List<String> logLines(UUID runId, io.testline.schemas.LogStream stream) {
    return distinct(RunLog.class).stream().map(Event::data)
        .filter(l -> l.runId().equals(runId) && l.stream() == stream)
        .sorted(Comparator.comparingLong(RunLog::firstLine))
        .flatMap(l -> l.lines().stream().map(io.testline.schemas.LogLine::text))
        .toList();
  }

  public long count(MessageType type) {
    return all().stream().filter(r -> r.event().type() == type).count();
  }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) {
      client.disconnect().waitForCompletion(5_000);
    }
    client.close(true);
  }
}
