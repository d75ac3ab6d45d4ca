package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The fallback broker, started directly as on a machine without mosquitto. */
class HiveMqEmbeddedBrokerIT {

    @Test
    void hivemq_fallback_keeps_offline_messages_across_restart() throws Exception {
        try (HiveMqEmbeddedBroker hivemq = new HiveMqEmbeddedBroker()) {
            hivemq.start();
            assertThat(hivemq.isMosquitto()).isFalse();

            MqttBrokerIT.assertOfflineMessagesSurviveRestart(hivemq);
        }
    }
}
