package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.MessageCallback;
import io.testline.brokers.junit.RequiredTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue limits of the compose deployment's own {@code deploy/mosquitto/mosquitto.conf} take effect in Debian's
 * mosquitto as its README documents: a persistent session whose client is away (the bridge crashed or restarts) keeps
 * the OLDEST {@code max_queued_messages} QoS 1 messages, in order; every later one is dropped (logged as "Outgoing
 * messages are being dropped for client ...") while the broker stays up with bounded memory. A bridge that is
 * connected but never sends PUBACK (hung, or holding acknowledgements during a Kafka outage) gets the oldest
 * {@code max_inflight_messages} and no more; the next {@code max_queued_messages} wait in its session and every later
 * one is dropped; once it acknowledges, the queued ones follow in order ({@link UnackingSubscriber}, a raw MQTT 5
 * client, so no client library acknowledges or limits anything on its own).
 *
 * <p>Filling the real 1,000,000-message queue takes minutes and ~400 MB of broker memory, so by default the copy has
 * that one line scaled to {@code max_queued_messages 1000} (every other line, limits included, as in the file);
 * {@code -Dtestline.mosquitto.queue=full} runs it with the file's own limit unchanged.
 */
@RequiredTools.Needs({"mosquitto", "mosquitto_passwd"})
class MosquittoQueueLimitIT {
  private static final Map<String, String> PASSWORDS = Map.of("FCT-01", "fct-secret-" + UUID.randomUUID(),
      "testline-bridge", "bridge-secret-" + UUID.randomUUID());
  private static final String TOPIC = "testline/v1/FCT-01/events";
  private static final String QUEUE_LINE = "max_queued_messages 1000000";
  /** The file's max_inflight_messages, never scaled. */
  private static final int INFLIGHT = 1_000;
  private static final boolean FULL = "full".equals(System.getProperty("testline.mosquitto.queue"));
  /** Messages the session keeps: the file's limit, or the scaled one. */
  private static final int KEPT = FULL ? 1_000_000 : 1_000;
  /** Messages sent past the limit, and their size: enough that keeping them would show in the broker's memory. */
  private static final int DROPPED = FULL ? 200_000 : 10_000;
  private static final int PAYLOAD_BYTES = FULL ? 100 : 1024;

  @TempDir
  Path tmp;

  @Test
  void an_away_bridge_session_keeps_the_oldest_max_queued_messages_and_the_broker_drops_the_rest_in_bounded_memory()
      throws Exception {
    Map<String, String> limits = ComposeFileIT.mosquittoOptions(DeployMosquitto.CONF);
    assertThat(limits).as("the limits this test and the README describe")
        .containsEntry("max_queued_messages", "1000000").containsEntry("max_queued_bytes", "1073741824")
        .containsEntry("max_inflight_messages", "1000").containsEntry("persistent_client_expiration", "1d");
    Path certs = tmp.resolve("certs");
    DeployMosquitto.makeCerts(certs);
    Map<String, String> scaled = FULL ? Map.of() : Map.of(QUEUE_LINE, "max_queued_messages " + KEPT);

    try (DeployMosquitto broker = DeployMosquitto.start(tmp, PASSWORDS, certs, scaled)) {
      assertThat(unchangedLines()).as("the copy the broker runs keeps every other line of the file")
          .isSubsetOf(Files.readAllLines(tmp.resolve("mosquitto.conf")));
      String bridgeId = "testline-bridge-" + UUID.randomUUID();
      Queue<String> received = new ConcurrentLinkedQueue<>();
      // the bridge's own subscription; then it goes away, its session (expiry 1 day) staying on the broker
      MqttClient bridge = bridge(broker, bridgeId, received);
      bridge.subscribe("$share/testline-bridge/testline/v1/+/+", 1);
      bridge.disconnect();
      bridge.close();

      long before = broker.residentKib();
      publish(broker, 0, KEPT);
      long filled = broker.residentKib();
      publish(broker, KEPT, KEPT + DROPPED);
      long afterDrops = broker.residentKib();
      System.out.printf("mosquitto VmRSS: %d KiB before, %d KiB with %d queued, %d KiB after %d more sent (%d KiB "
          + "if kept)%n", before, filled, KEPT, afterDrops, DROPPED, (long) DROPPED * PAYLOAD_BYTES / 1024);
      assertThat(broker.alive()).as(broker.log()).isTrue();
      assertThat(broker.log()).contains("Outgoing messages are being dropped for client " + bridgeId);
      assertThat(afterDrops - filled).as("broker memory growth (KiB) while %d messages of %d bytes were dropped",
          DROPPED, PAYLOAD_BYTES).isLessThan((long) DROPPED * PAYLOAD_BYTES / 1024 / 4);

      MqttClient back = bridge(broker, bridgeId, received);
      await().atMost(Duration.ofSeconds(FULL ? 900 : 60)).until(() -> received.size() >= KEPT);
      publish(broker, -1, 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("-1"));
      List<String> expected = new ArrayList<>(IntStream.range(0, KEPT).mapToObj(Integer::toString).toList());
      expected.add("-1");
      assertThat(received).as("the oldest %d in order, nothing of the %d past the limit, then a message sent after "
          + "the bridge came back", KEPT, DROPPED).containsExactlyElementsOf(expected);
      back.disconnect();
      back.close();
    }
  }

  @Test
  void a_connected_bridge_that_never_acks_holds_max_inflight_then_queues_max_queued_and_drops_the_rest()
      throws Exception {
    Map<String, String> limits = ComposeFileIT.mosquittoOptions(DeployMosquitto.CONF);
    assertThat(limits).containsEntry("max_inflight_messages", Integer.toString(INFLIGHT))
        .containsEntry("max_queued_messages", "1000000");
    Path certs = tmp.resolve("certs");
    DeployMosquitto.makeCerts(certs);
    Map<String, String> scaled = FULL ? Map.of() : Map.of(QUEUE_LINE, "max_queued_messages " + KEPT);
    String bridgeId = "testline-bridge-" + UUID.randomUUID();

    try (DeployMosquitto broker = DeployMosquitto.start(tmp, PASSWORDS, certs, scaled);
        UnackingSubscriber bridge = UnackingSubscriber.connect(broker.port, bridgeId, "testline-bridge",
            PASSWORDS.get("testline-bridge"), "$share/testline-bridge/testline/v1/+/+")) {
      publish(broker, 0, INFLIGHT + KEPT + DROPPED);
      await().atMost(Duration.ofSeconds(60)).until(() -> bridge.received().size() >= INFLIGHT);
      bridge.sync();
      assertThat(bridge.received()).as("sent and unacknowledged while connected: the oldest max_inflight_messages")
          .containsExactlyElementsOf(numbers(0, INFLIGHT));
      assertThat(broker.alive()).as(broker.log()).isTrue();
      assertThat(broker.log()).contains("Outgoing messages are being dropped for client " + bridgeId);

      bridge.ackAll();
      await().atMost(Duration.ofSeconds(FULL ? 900 : 60))
          .until(() -> bridge.received().size() >= INFLIGHT + KEPT);
      bridge.sync();
      assertThat(bridge.received()).as("once acknowledged: the %d in flight, then the %d queued, in order; nothing of "
          + "the %d past both", INFLIGHT, KEPT, DROPPED).containsExactlyElementsOf(numbers(0, INFLIGHT + KEPT));

      publish(broker, -1, 0);
      await().atMost(Duration.ofSeconds(30)).until(() -> bridge.received().contains("-1"));
      bridge.sync();
      assertThat(bridge.received()).as("then a message sent after the drops").hasSize(INFLIGHT + KEPT + 1);
      System.out.printf("connected, unacknowledging subscriber: %d sent, %d in flight, %d queued, %d dropped%n",
          INFLIGHT + KEPT + DROPPED, INFLIGHT, KEPT, DROPPED);
    }
  }

  private static List<String> numbers(int from, int to) {
    return IntStream.range(from, to).mapToObj(Integer::toString).toList();
  }

  /** Every non-comment line of the deploy file that holds neither a path nor a port, nor the scaled limit. */
  private static List<String> unchangedLines() throws Exception {
    return Files.readAllLines(DeployMosquitto.CONF).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.contains("/mosquitto/") && !l.startsWith("listener ")
            && (FULL || !l.equals(QUEUE_LINE)))
        .toList();
  }

  /** The bridge's client with a persistent session (clean start off, expiry one day), its messages into received. */
  private static MqttClient bridge(DeployMosquitto broker, String clientId, Queue<String> received)
      throws Exception {
    MqttClient client = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
    client.setCallback((MessageCallback) (topic, message) ->
        received.add(new String(message.getPayload(), StandardCharsets.US_ASCII).strip()));
    MqttConnectionOptions options = broker.login("testline-bridge");
    options.setCleanStart(false);
    options.setSessionExpiryInterval(86_400L);
    client.connect(options);
    return client;
  }

  /**
   * Publishes the numbers from {@code from} (inclusive) to {@code to} (exclusive; just {@code from} when {@code to}
   * is not above it) at QoS 1 as the station, each padded to the payload size, and returns once all are acknowledged.
   */
  private static void publish(DeployMosquitto broker, int from, int to) throws Exception {
    MqttAsyncClient station = new MqttAsyncClient(broker.uri(), "FCT-01-" + UUID.randomUUID(),
        new MemoryPersistence());
    station.connect(broker.login("FCT-01")).waitForCompletion(10_000);
    int window = 200;
    Semaphore inFlight = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    MqttActionListener release = new MqttActionListener() {
      @Override
      public void onSuccess(IMqttToken token) {
        inFlight.release();
      }

      @Override
      public void onFailure(IMqttToken token, Throwable e) {
        failure.compareAndSet(null, e);
        inFlight.release();
      }
    };
    for (int i = from; i < Math.max(to, from + 1); i++) {
      inFlight.acquire();
      byte[] payload = new byte[PAYLOAD_BYTES];
      Arrays.fill(payload, (byte) ' ');
      byte[] number = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(number, 0, payload, 0, number.length);
      station.publish(TOPIC, payload, 1, false, null, release);
    }
    inFlight.acquire(window);
    assertThat(failure.get()).as("a publish failed").isNull();
    station.disconnect().waitForCompletion(10_000);
    station.close();
  }

}
