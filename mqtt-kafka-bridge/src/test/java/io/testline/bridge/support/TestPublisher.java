package io.testline.bridge.support;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A station-like QoS 1 publisher with a persistent session and a bounded number of unacknowledged publishes. Waits
 * for every PUBACK in {@link #awaitAcks()}, so a test knows the broker owns each message.
 *
 * <p>It runs on a Netty thread of its own ({@code test-publisher-<clientId>}): HiveMQ clients otherwise share one
 * event loop group per JVM, and the benchmark could not tell the publisher's CPU from the bridge's client.
 */
public final class TestPublisher implements AutoCloseable {
  private final Mqtt5AsyncClient client;
  private final ExecutorService netty;
  private final Semaphore window;
  private final int windowSize;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  public TestPublisher(String host, int port, String clientId, int windowSize) throws Exception {
    this.windowSize = windowSize;
    this.window = new Semaphore(windowSize);
    netty = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-publisher-" + clientId);
      t.setDaemon(true);
      return t;
    });
    client = Mqtt5Client.builder().identifier(clientId).serverHost(host).serverPort(port)
        .executorConfig().nettyExecutor(netty).nettyThreads(1).applyExecutorConfig()
        .automaticReconnectWithDefaultConfig().buildAsync();
    client.connectWith().cleanStart(true).sessionExpiryInterval(300).send().get(30, TimeUnit.SECONDS);
  }

  public void publish(String topic, byte[] payload) throws InterruptedException {
    window.acquire();
    CompletableFuture<?> sent = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
    sent.whenComplete((result, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error);
      }
      window.release();
    });
  }

  /** Waits until the broker acknowledged every publish; fails if any was refused. */
  public void awaitAcks() throws InterruptedException {
    if (!window.tryAcquire(windowSize, 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("publishes not acknowledged within 120 s");
    }
    window.release(windowSize);
    if (failure.get() != null) {
      throw new IllegalStateException("a publish failed", failure.get());
    }
  }

  @Override
  public void close() throws Exception {
    try {
      client.disconnect().get(10, TimeUnit.SECONDS);
    } finally {
      netty.shutdown();
    }
  }
}
