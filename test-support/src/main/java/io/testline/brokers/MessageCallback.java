package io.testline.brokers;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A Paho callback for a test client that only receives: a lambda for {@link #messageArrived}, every other event
 * ignored (tests check connection state and publish results themselves; automatic reconnect and enhanced
 * authentication are theirs to watch where they use them). A client-wide callback, unlike a per-subscription
 * listener, also receives what arrives on a {@code $share/...} subscription.
 */
@FunctionalInterface
public interface MessageCallback extends MqttCallback {
    @Override
    void messageArrived(String topic, MqttMessage message) throws Exception;

    @Override
    default void disconnected(MqttDisconnectResponse response) {
    }

    @Override
    default void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    default void deliveryComplete(IMqttToken token) {
    }

    @Override
    default void connectComplete(boolean reconnect, String serverUri) {
    }

    @Override
    default void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}
