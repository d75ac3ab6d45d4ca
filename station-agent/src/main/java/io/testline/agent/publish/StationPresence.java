package io.testline.agent.publish;

import io.testline.agent.config.AgentConfig;
import io.testline.agent.journal.Journal;
import io.testline.agent.journal.JournalStats;
import io.testline.agent.journal.RunInProgress;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.StationBirth;
import io.testline.schemas.StationDeath;
import io.testline.schemas.StationHeartbeat;
import io.testline.schemas.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The station's presence on the broker: a retained {@code station.birth} journaled at each connect, a
 * {@code station.heartbeat} (journal depth and bytes, alarm, oldest unsent age, disk free, the run in progress) every
 * {@code heartbeat.interval} while connected, the {@code station.death} Will, and a graceful {@code station.death}
 * when the agent stops. Birth and heartbeats travel through the journal like every event, so the session's seq has
 * no gaps; heartbeats are made only while connected, so an offline station does not fill its journal with them.
 *
 * <p>The Will cannot be journaled (the broker sends it), so it reserves a seq at the connect that registers it; a
 * Will whose connect failed is reused for the next attempt. After a clean shutdown the Will's seq stays unused.
 */
public final class StationPresence implements AutoCloseable, MqttLink.Listener {
  private static final Logger log = LoggerFactory.getLogger(StationPresence.class);

  private final AgentConfig config;
  private final Journal journal;
  private final String agentVersion;
  private final Clock clock;
  private final Instant startedAt;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile MqttLink.Will pendingWill;
  /** The seq of {@link #pendingWill}, and of the Will registered at the current connection; -1 when none. */
  private long pendingWillSeq = -1;
  private long registeredWillSeq = -1;
  /** After the goodbye, the Will seq it named: a Will for a reconnect during the final flush reuses it. */
  private long goodbyeWillSeq = -1;
  private volatile boolean connected;

  public StationPresence(AgentConfig config, Journal journal, String agentVersion, Clock clock) {
    this.config = config;
    this.journal = journal;
    this.agentVersion = agentVersion;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "station-heartbeat");
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    long interval = config.heartbeatInterval().toMillis();
    timer.scheduleAtFixedRate(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
  }

  /** The Will for the next connect attempt (called on the connect thread). */
  public synchronized MqttLink.Will will() {
    if (pendingWill == null) {
      long seq = goodbyeWillSeq >= 0 ? goodbyeWillSeq : journal.reserveSeq();
      pendingWillSeq = seq;
      Event<StationDeath> death = new Event<>(new StationDeath(false, "connection lost").type().schemaId(),
          Ids.newId(), config.stationId(), journal.agentSession(), seq, clock.instant(),
          new StationDeath(false, "connection lost"));
      pendingWill = new MqttLink.Will(Topics.mqttTopic(config.stationId(), Topics.Kind.DEATH),
          EventJson.toBytes(death), false);
    }
    return pendingWill;
  }

  @Override
  public void connected(int receiveMaximum) {
    synchronized (this) {
      registeredWillSeq = pendingWillSeq;
      pendingWill = null;
      pendingWillSeq = -1;
    }
    connected = true;
    timer.execute(this::birth);
  }

  @Override
  public void disconnected() {
    synchronized (this) {
      // the connection ended without our DISCONNECT: the broker publishes that Will, its seq is spent
      registeredWillSeq = -1;
    }
    connected = false;
  }

  /**
   * Journals the graceful goodbye; the caller flushes the journal, then disconnects cleanly, so the broker drops the
   * Will. The goodbye names the seq the Will held ({@code willSeq}), which no event will carry now, so the bridge's
   * gap detector does not take it for a lost event.
   */
  public void goodbye(String reason) {
    try {
      Long willSeq;
      synchronized (this) {
        long seq = registeredWillSeq >= 0 ? registeredWillSeq : pendingWillSeq;
        willSeq = seq >= 0 ? seq : null;
        // a reconnect during the final flush registers a Will with this same seq rather than reserving another
        goodbyeWillSeq = seq;
      }
      // journaled outside the lock: the MQTT callback thread takes it in disconnected() and must not wait on I/O
      journal.append(new StationDeath(true, reason, willSeq), clock.instant());
    } catch (RuntimeException e) {
      log.error("cannot journal station.death: {}", e.getMessage(), e);
    }
  }

  /** The heartbeat's content now. */
  public StationHeartbeat heartbeatNow() {
    JournalStats s = journal.stats();
    // read from the journal, not from this process: with serve running, the run belongs to another process
    RunInProgress run = journal.runInProgress().orElse(null);
    long now = clock.millis();
    return new StationHeartbeat(s.depth(), s.bytes(), s.capacityBytes(), s.alarm(), s.oldestUnsentAgeMs(now),
        s.diskFreeBytes(), now - startedAt.toEpochMilli(), run == null ? null : run.runId(),
        run == null ? null : run.serialNumber(), run == null ? null : run.lastStep());
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void birth() {
    try {
      long willSeq;
      synchronized (this) {
        willSeq = registeredWillSeq;
      }
      // the birth names the Will's seq: until the agent says goodbye or vanishes no event carries it, and the gap
      // detector must not take it for a lost event
      journal.append(new StationBirth(agentVersion, config.hash(), config.site(), config.line(), hostname(),
          System.getProperty("os.name") + " " + System.getProperty("os.version"), journal.maxBytes(),
          config.labels().isEmpty() ? null : config.labels(), willSeq >= 0 ? willSeq : null), clock.instant());
    } catch (RuntimeException e) {
      log.error("cannot journal station.birth: {}", e.getMessage(), e);
    }
  }

  private void heartbeat() {
    if (!connected || closed.get()) {
      return;
    }
    try {
      StationHeartbeat beat = heartbeatNow();
      if (Boolean.TRUE.equals(beat.journalAlarm())) {
        log.warn("journal alarm: {} events, {} of {} bytes unsent, oldest {} ms", beat.journalDepth(),
            beat.journalBytes(), beat.journalCapacityBytes(), beat.oldestUnsentAgeMs());
      }
      journal.append(beat, clock.instant());
    } catch (RuntimeException e) {
      log.error("cannot journal station.heartbeat: {}", e.getMessage(), e);
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
  }
}
