package io.testline.brokers;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** A Paho v5 client for tests that records the payloads it receives. */
final class MqttTestClient implements AutoCloseable {

    private final MqttClient client;
    final List<String> received = new CopyOnWriteArrayList<>();

    private MqttTestClient(MqttClient client) {
        this.client = client;
    }

    /** Connects with a clean session. */
    static MqttTestClient connect(MqttBroker broker, String clientId) throws MqttException {
        return connect(broker, clientId, true, 0);
    }

    /** Connects; {@code cleanStart=false} with a positive expiry resumes or creates a persistent session. */
    static MqttTestClient connect(MqttBroker broker, String clientId, boolean cleanStart, long sessionExpirySeconds)
            throws MqttException {
        MqttClient client = new MqttClient(broker.serverUri(), clientId, new MemoryPersistence());
        MqttTestClient testClient = new MqttTestClient(client);
        client.setCallback(testClient.callback());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(cleanStart);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        client.connect(options);
        return testClient;
    }

    void subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1);
    }

    void publish(String topic, String payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
    }

    /** Leaves without closing the session, as a station going offline would. */
    void disconnect() throws MqttException {
        client.disconnect();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close(true);
    }

    private MqttCallback callback() {
        return (MessageCallback) (topic, message) -> {
            received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        };
    }
}
