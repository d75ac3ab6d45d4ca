package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import io.testline.brokers.junit.RealBrokers;
import io.testline.brokers.junit.RequiredTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealBrokers.class)
class MqttBrokerIT {

    @Test
    void offline_persistent_subscriber_gets_messages_published_while_away_even_across_broker_restart(
            MqttBroker mqtt) throws Exception {
        assertOfflineMessagesSurviveRestart(mqtt);
    }

    @Test
    void shared_broker_is_mosquitto_on_this_machine(MqttBroker mqtt) {
        if (!mqtt.isMosquitto()) {
            // HiveMQ CE is the fallback only where mosquitto is missing: skipped there, a failure where it is not
            RequiredTools.require("mosquitto");
        }
        assertThat(mqtt.description()).startsWith("mosquitto ");
        assertThat(mqtt.serverUri()).isEqualTo("tcp://127.0.0.1:" + mqtt.port());
    }

    /** Shared with {@link HiveMqEmbeddedBrokerIT}: the promise holds for either broker. */
    static void assertOfflineMessagesSurviveRestart(MqttBroker mqtt) throws Exception {
        String topic = "testline/v1/st-" + UUID.randomUUID() + "/verdict";
        String subscriberId = "persistent-" + UUID.randomUUID();
        try (MqttTestClient subscriber = MqttTestClient.connect(mqtt, subscriberId, false, 300)) {
            subscriber.subscribe(topic);
            subscriber.disconnect();
        }
        try (MqttTestClient publisher = MqttTestClient.connect(mqtt, "pub-" + UUID.randomUUID())) {
            publisher.publish(topic, "while-away");
        }

        mqtt.stop();
        assertThat(mqtt.isRunning()).isFalse();
        mqtt.start();

        try (MqttTestClient publisher = MqttTestClient.connect(mqtt, "pub-" + UUID.randomUUID())) {
            publisher.publish(topic, "after-restart");
        }
        try (MqttTestClient subscriber = MqttTestClient.connect(mqtt, subscriberId, false, 300)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> subscriber.received.size() >= 2);
            assertThat(subscriber.received).containsExactly("while-away", "after-restart");
        }
    }
}
