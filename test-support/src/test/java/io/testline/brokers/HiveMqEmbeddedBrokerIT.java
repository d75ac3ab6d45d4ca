package io.testline.brokers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import io.testline.brokers.junit.RealBrokers;

/** The fallback broker, started directly as on a machine without mosquitto. */
class HiveMqEmbeddedBrokerIT {

    @Test
    void hivemq_fallback_keeps_offline_messages_across_restart_but_fails_mosquitto_only_tests() throws Exception {
        try (HiveMqEmbeddedBroker hivemq = new HiveMqEmbeddedBroker()) {
            hivemq.start();
            assertThat(hivemq.isMosquitto()).isFalse();

            MqttBrokerIT.assertOfflineMessagesSurviveRestart(hivemq);

            assertThatThrownBy(() -> RealBrokers.requireMosquitto(hivemq))
                    .isInstanceOf(AssertionFailedError.class)
                    .hasMessageContaining("apt-get install mosquitto");
        }
    }
}
