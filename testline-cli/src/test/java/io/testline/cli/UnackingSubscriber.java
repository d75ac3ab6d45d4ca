package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An MQTT 5 subscriber over a plain socket that stays connected and never sends a PUBACK for QoS 1 until told to:
 * what a client does that hangs in its message handler, or a bridge whose Kafka is down. No client library, so
 * nothing acknowledges, buffers or limits on its own: what arrives is exactly what the broker sent. No Receive
 * Maximum is sent (the MQTT 5 default, 65,535), so the broker's own window applies. A reader thread records every
 * PUBLISH's payload and packet id; {@link #ackAll()} acknowledges everything received and every later message.
 */
final class UnackingSubscriber implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Thread reader;
  private final Queue<String> received = new ConcurrentLinkedQueue<>();
  private final List<Integer> unacked = new ArrayList<>();
  private final BlockingQueue<Integer> acks = new ArrayBlockingQueue<>(16);
  private final AtomicInteger pings = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean acking;

  private UnackingSubscriber(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.reader = new Thread(this::read, "unacking-subscriber");
    this.reader.setDaemon(true);
  }

  /** Connects to 127.0.0.1:port as user/password with keep-alive 120 s and subscribes to {@code filter} at QoS 1. */
  static UnackingSubscriber connect(int port, String clientId, String user, String password, String filter)
      throws IOException, InterruptedException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    UnackingSubscriber s = new UnackingSubscriber(socket);
    ByteArrayOutputStream connect = new ByteArrayOutputStream();
    string(connect, "MQTT");
    connect.write(5);
    connect.write(0x80 | 0x40 | 0x02); // user name, password, clean start
    connect.write(0);
    connect.write(120); // keep-alive, seconds: the conf's max_keepalive
    connect.write(0); // no properties
    string(connect, clientId);
    string(connect, user);
    string(connect, password);
    s.send(0x10, connect.toByteArray());
    int type = s.in.readUnsignedByte();
    byte[] connack = s.in.readNBytes(remainingLength(s.in));
    assertThat(type).as("CONNACK").isEqualTo(0x20);
    assertThat(connack[1] & 0xff).as("CONNACK reason code").isZero();
    s.reader.start();
    ByteArrayOutputStream subscribe = new ByteArrayOutputStream();
    subscribe.write(0);
    subscribe.write(1); // packet id 1
    subscribe.write(0); // no properties
    string(subscribe, filter);
    subscribe.write(1); // QoS 1
    s.send(0x82, subscribe.toByteArray());
    Integer granted = s.acks.poll(10, TimeUnit.SECONDS);
    assertThat(granted).as("SUBACK with QoS 1 granted").isEqualTo(1);
    return s;
  }

  /** The payloads of every PUBLISH received, in order, trimmed. */
  Queue<String> received() {
    return received;
  }

  /**
   * Returns once every packet the broker wrote before it answered a PINGREQ sent now has been read: a barrier, so
   * "nothing more arrived" is a fact, not a wait.
   */
  void sync() throws IOException, InterruptedException {
    int before = pings.get();
    send(0xC0, new byte[0]);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    synchronized (pings) {
      while (pings.get() == before && failure.get() == null && System.nanoTime() < deadline) {
        pings.wait(100);
      }
    }
    assertThat(failure.get()).as("the subscriber's connection").isNull();
    assertThat(pings.get()).as("PINGRESP").isGreaterThan(before);
  }

  /** Acknowledges every message received so far, and from now on each one as it arrives. */
  void ackAll() throws IOException {
    List<Integer> ids;
    synchronized (unacked) {
      acking = true;
      ids = new ArrayList<>(unacked);
      unacked.clear();
    }
    for (int id : ids) {
      puback(id);
    }
  }

  private void read() {
    try {
      while (true) {
        int header = in.readUnsignedByte();
        byte[] body = in.readNBytes(remainingLength(in));
        switch (header >> 4) {
          case 3 -> publish(header, body);
          case 9 -> acks.add(body[3] & 0xff); // SUBACK: id, properties length 0, reason code
          case 13 -> {
            synchronized (pings) {
              pings.incrementAndGet();
              pings.notifyAll();
            }
          }
          default -> throw new IOException("unexpected packet type " + (header >> 4));
        }
      }
    } catch (EOFException | java.net.SocketException e) {
      if (!socket.isClosed()) {
        failure.compareAndSet(null, e);
      }
    } catch (IOException | RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  private void publish(int header, byte[] body) throws IOException {
    int qos = (header >> 1) & 3;
    int topicLength = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
    int pos = 2 + topicLength;
    int id = qos > 0 ? ((body[pos] & 0xff) << 8) | (body[pos + 1] & 0xff) : -1;
    pos += qos > 0 ? 2 : 0;
    int propertiesLength = 0;
    int shift = 0;
    int b;
    do {
      b = body[pos++] & 0xff;
      propertiesLength |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    pos += propertiesLength;
    received.add(new String(body, pos, body.length - pos, StandardCharsets.US_ASCII).strip());
    if (qos == 1) {
      boolean now;
      synchronized (unacked) {
        now = acking;
        if (!now) {
          unacked.add(id);
        }
      }
      if (now) {
        puback(id);
      }
    }
  }

  private void puback(int id) throws IOException {
    send(0x40, new byte[] {(byte) (id >> 8), (byte) id});
  }

  private synchronized void send(int header, byte[] body) throws IOException {
    ByteArrayOutputStream packet = new ByteArrayOutputStream(body.length + 5);
    packet.write(header);
    int length = body.length;
    do {
      int digit = length % 128;
      length /= 128;
      packet.write(length > 0 ? digit | 0x80 : digit);
    } while (length > 0);
    packet.write(body);
    out.write(packet.toByteArray());
    out.flush();
  }

  private static int remainingLength(DataInputStream in) throws IOException {
    int value = 0;
    int shift = 0;
    int b;
    do {
      b = in.readUnsignedByte();
      value |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return value;
  }

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.write(bytes.length >> 8);
    out.write(bytes.length & 0xff);
    out.write(bytes, 0, bytes.length);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    socket.close();
    reader.join(5_000);
  }
}
