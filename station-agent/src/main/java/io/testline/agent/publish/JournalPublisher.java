package io.testline.agent.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.testline.agent.journal.Journal;
import io.testline.agent.journal.JournalEntry;
import io.testline.schemas.SeqGap;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the journal to the broker in journal order and deletes each event once the broker's PUBACK arrived. One
 * thread owns the send window: at most the broker's Receive Maximum (and {@code mqtt.maxInflight}) publishes are
 * unacknowledged at once, so Paho never refuses one. After a reconnect it starts again from the oldest
 * unacknowledged event: an event may reach the broker twice (consumers are idempotent on eventId), never zero times,
 * and the order of the station's events is kept.
 *
 * <p>A PUBACK whose reason code is a failure (0x80 and up: an ACL that denies the topic, a quota)
 * is not an acknowledgement: Paho reports it as a success, so the forwarder reads the code, keeps the event in the
 * journal, logs {@code PUBLISH REFUSED} and counts it ({@code testline.agent.publish.refused}). It is not sent again
 * in a loop; it goes again at the next agent start, or when the bridge asks for its seq.
 *
 * <p>When the journal keeps runs until the pipeline confirms them ({@code journal.keepUntil: verdict}), the forwarder
 * also sends again, every {@link #REQUEUE_CHECK_MS}, each run whose confirmation is overdue.
 */
public final class JournalPublisher implements AutoCloseable, MqttLink.Listener {
  private static final Logger log = LoggerFactory.getLogger(JournalPublisher.class);
  /** Idle poll: catches events another agent process of the station journaled. */
  private static final long IDLE_WAIT_MS = 200;
  /** How often overdue runs are looked for. */
  static final long REQUEUE_CHECK_MS = 1_000;

  private final Journal journal;
  private final MqttLink link;
  private final int maxInflight;
  private final Duration resendAfter;
  private final Duration keepSentFor;
  private final Clock clock;
  private final Timer latency;
  private final Counter refused;
  private final Thread thread;
  private final Object signal = new Object();
  private final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
  /** The bridge's resend requests, handed over from the link's inbound thread. */
  private final ConcurrentLinkedQueue<SeqGap> resendRequests = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong connectionEpoch = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private volatile int window;
  private volatile boolean connected;
  /** Unacknowledged publishes of this connection, by journal id, with their journal time. */
  private final TreeMap<Long, Long> inflight = new TreeMap<>();
  private long cursor;
  private long seenEpoch;
  private long nextRequeueCheckMs;

  /**
   * {@code resendAfter}: how long a run may wait for its confirmation before it is sent again; {@code keepSentFor}:
   * how long sent station events stay for a resend request (both with runs kept until confirmed only).
   */
  public JournalPublisher(Journal journal, MqttLink link, int maxInflight, Duration resendAfter, Duration keepSentFor,
      Clock clock, MeterRegistry metrics) {
    this.journal = journal;
    this.link = link;
    this.maxInflight = maxInflight;
    this.resendAfter = resendAfter;
    this.keepSentFor = keepSentFor;
    this.clock = clock;
    this.latency = Timer.builder("testline.agent.publish.latency")
        .description("from journaling an event to the broker's PUBACK")
        .publishPercentiles(0.5, 0.99)
        .register(metrics);
    this.refused = Counter.builder("testline.agent.publish.refused")
        .description("publishes the broker answered with a failure reason code; they stay in the journal")
        .register(metrics);
    this.thread = new Thread(this::loop, "journal-forwarder");
    thread.setDaemon(true);
    journal.onAppend(this::wake);
    link.addListener(this);
  }

  public void start() {
    thread.start();
  }

  @Override
  public void connected(int receiveMaximum) {
    window = Math.min(receiveMaximum, maxInflight);
    connectionEpoch.incrementAndGet();
    connected = true;
    wake();
  }

  @Override
  public void disconnected() {
    connected = false;
    connectionEpoch.incrementAndGet();
    wake();
  }

  /**
   * The bridge found seqs of a session missing in Kafka: those the journal still holds are sent again. Called on
   * the link's inbound thread; the work is done on the forwarder's.
   */
  public void resend(SeqGap gap) {
    resendRequests.add(gap);
    wake();
  }

  /** Events acknowledged by the broker since start. */
  public long acknowledged() {
    return published.get();
  }

  /**
   * Waits up to {@code timeout} until the journal is empty (everything acknowledged); true when it is. The journal
   * may be shared with other processes, so this reads its depth.
   */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (journal.stats().depth() == 0) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      synchronized (signal) {
        signal.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
      }
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    wake();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteAcknowledged();
  }

  private void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void loop() {
    while (!closed.get()) {
      try {
        deleteAcknowledged();
        requeueRequested();
        requeueOverdueRuns();
        long epoch = connectionEpoch.get();
        if (epoch != seenEpoch) {
          seenEpoch = epoch;
          restartFromOldestUnacknowledged();
        }
        boolean sent = connected && sendWindow(epoch);
        if (!sent) {
          synchronized (signal) {
            if (acks.isEmpty() && resendRequests.isEmpty() && connectionEpoch.get() == seenEpoch) {
              signal.wait(IDLE_WAIT_MS);
            }
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the journal or the client failed: keep the events, retry after a pause
        log.error("forwarding the journal failed: {}", e.getMessage(), e);
        synchronized (signal) {
          try {
            signal.wait(1_000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }

  private void restartFromOldestUnacknowledged() {
    synchronized (inflight) {
      if (!inflight.isEmpty()) {
        cursor = inflight.firstKey() - 1;
        inflight.clear();
      }
    }
  }

  private void requeueOverdueRuns() {
    long now = System.currentTimeMillis();
    if (now < nextRequeueCheckMs) {
      return;
    }
    nextRequeueCheckMs = now + REQUEUE_CHECK_MS;
    journal.requeueUnconfirmed(resendAfter).ifPresent(lowest -> cursor = Math.min(cursor, lowest - 1));
    journal.pruneSent(keepSentFor);
  }

  private void requeueRequested() {
    SeqGap gap;
    while ((gap = resendRequests.peek()) != null) {
      journal.requeueSeqs(gap.agentSession(), gap.fromSeq(), gap.toSeq())
          .ifPresent(lowest -> cursor = Math.min(cursor, lowest - 1));
      resendRequests.poll(); // only once the journal took it: a failed requeue is tried again
    }
  }

  private boolean sendWindow(long epoch) {
    int free;
    synchronized (inflight) {
      free = window - inflight.size();
    }
    if (free <= 0) {
      return false;
    }
    List<JournalEntry> entries = journal.readAfter(cursor, free);
    if (entries.isEmpty()) {
      return false;
    }
    for (JournalEntry e : entries) {
      if (!connected || connectionEpoch.get() != epoch) {
        return true;
      }
      synchronized (inflight) {
        if (inflight.containsKey(e.id())) {
          cursor = Math.max(cursor, e.id()); // requeued while its first publish is still out
          continue;
        }
        inflight.put(e.id(), e.createdMs());
      }
      try {
        link.publish(e.topic(), e.payload(), e.retained(), e.id(), new Acknowledgement(e.id(), e.createdMs()));
        cursor = e.id();
      } catch (MqttException ex) {
        synchronized (inflight) {
          inflight.remove(e.id());
        }
        log.debug("publish of journal entry {} failed: {}; resending after reconnect", e.id(), ex.getMessage());
        return false;
      }
    }
    return true;
  }

  private void deleteAcknowledged() {
    List<Long> ids = new ArrayList<>();
    Long id;
    while ((id = acks.poll()) != null) {
      ids.add(id);
    }
    if (ids.isEmpty()) {
      return;
    }
    journal.acknowledge(ids);
    published.addAndGet(ids.size());
    wake();
  }

  /** MQTT 5: a PUBACK reason code from here on says the broker did not take the message. */
  private static final int FIRST_FAILURE_CODE = 0x80;

  private static int reasonCode(IMqttToken token) {
    int[] codes = token.getReasonCodes();
    return codes == null || codes.length == 0 ? 0 : codes[0];
  }

  private static String reasonString(IMqttToken token) {
    String reason = token.getResponseProperties() == null ? null : token.getResponseProperties().getReasonString();
    return reason == null ? "" : " (" + reason + ")";
  }

  /**
   * Called on a Paho thread: records the PUBACK and hands the deletion to the forwarder thread; a PUBACK with a
   * failure reason code leaves the event in the journal.
   */
  private final class Acknowledgement implements MqttActionListener {
    private final long id;
    private final long createdMs;

    Acknowledgement(long id, long createdMs) {
      this.id = id;
      this.createdMs = createdMs;
    }

    @Override
    public void onSuccess(IMqttToken token) {
      synchronized (inflight) {
        inflight.remove(id);
      }
      int reasonCode = reasonCode(token);
      if (reasonCode >= FIRST_FAILURE_CODE) {
        refused.increment();
        log.error("PUBLISH REFUSED by the broker: journal entry {}, reason code 0x{}{}; it stays in the journal and "
            + "is sent again at the next agent start or when the bridge asks for it", id,
            Integer.toHexString(reasonCode), reasonString(token));
        wake();
        return;
      }
      latency.record(Math.max(0, clock.millis() - createdMs), TimeUnit.MILLISECONDS);
      acks.add(id);
      wake();
    }

    @Override
    public void onFailure(IMqttToken token, Throwable failure) {
      // left in the journal; the reconnect resends it
      log.debug("publish of journal entry {} not acknowledged: {}", id, failure == null ? "" : failure.getMessage());
    }
  }
}
