package io.testline.agent.cli;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.testline.agent.AgentVersion;
import io.testline.agent.config.AgentConfig;
import io.testline.agent.forensics.CoreRetention;
import io.testline.agent.journal.FreeSpaceProbe;
import io.testline.agent.journal.Journal;
import io.testline.agent.publish.Downlink;
import io.testline.agent.publish.JournalPublisher;
import io.testline.agent.publish.MqttLink;
import io.testline.agent.publish.PublisherLock;
import io.testline.agent.publish.StationPresence;
import io.testline.agent.publish.VerdictWaiter;
import io.testline.agent.run.RunRecovery;
import io.testline.schemas.Ids;
import io.testline.schemas.RunFinished;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's parts for one process, wired with plain constructors: the journal (a new agent session), recovery of
 * runs a dead agent left open, and, when this process holds the station's publisher lock, the MQTT link, the
 * forwarder, the station presence and the verdict downlink. {@link #close()} says goodbye, flushes for at most
 * {@code run.flushTimeout} and leaves whatever is unsent in the journal for the next start.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);

  private final AgentConfig config;
  private final PrometheusMeterRegistry metrics;
  private final Journal journal;
  private final PublisherLock lock;
  private final MqttLink link;
  private final JournalPublisher forwarder;
  private final StationPresence presence;
  private final VerdictWaiter verdicts;
  private final List<RunFinished> recovered;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AgentRuntime(AgentConfig config, PrometheusMeterRegistry metrics, Journal journal, PublisherLock lock,
      MqttLink link, JournalPublisher forwarder, StationPresence presence, VerdictWaiter verdicts,
      List<RunFinished> recovered) {
    this.config = config;
    this.metrics = metrics;
    this.journal = journal;
    this.lock = lock;
    this.link = link;
    this.forwarder = forwarder;
    this.presence = presence;
    this.verdicts = verdicts;
    this.recovered = recovered;
  }

  /** Opens the journal, closes interrupted runs and, if this process may publish, connects. */
  public static AgentRuntime start(AgentConfig config, FreeSpaceProbe freeSpace, Clock clock) throws IOException {
    // a Prometheus registry from the start, so serve can expose the same meters at /metrics (metrics.port)
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Journal journal = Journal.builder(config.journal().path(), config.stationId(), Ids.newId())
        .maxBytes(config.journal().maxBytes())
        .alarmPercent(config.journal().alarmPercent())
        .minFreeDisk(config.journal().minFreeDisk())
        .freeSpace(freeSpace)
        .clock(clock)
        .keepRunsUntilConfirmed(config.journal().keepUntil() == AgentConfig.KeepUntil.VERDICT)
        .open();
    try {
      bindJournalMetrics(metrics, journal, clock);
      List<RunFinished> recovered = new RunRecovery(journal, config.stationId(), clock).closeInterruptedRuns();
      // uploads a kill left between a run.finished and its attachment chunks, before retention may delete a core
      journal.journalUploads();
      new CoreRetention(config.runsDir(), config.forensics().keepCoresFor(), clock).deleteExpired();
      Optional<PublisherLock> lock = PublisherLock.tryAcquire(config.dataDir().resolve("publisher.lock"));
      if (lock.isEmpty()) {
        log.info("another agent process of station {} publishes the journal; this one only journals",
            config.stationId());
        return new AgentRuntime(config, metrics, journal, null, null, null, null, null, recovered);
      }
      // a verdict is the pipeline's confirmation: the run leaves the journal (with journal.keepUntil: verdict)
      VerdictWaiter verdicts = new VerdictWaiter(journal::confirm);
      StationPresence presence = new StationPresence(config, journal, AgentVersion.get(), clock);
      // the bridge's resend requests (a sequence gap) go to the forwarder, which is built on the link
      AtomicReference<JournalPublisher> resender = new AtomicReference<>();
      Downlink downlink = new Downlink(config.stationId(), verdicts, gap -> resender.get().resend(gap));
      MqttLink link = new MqttLink(config.mqtt(), presence::will, downlink.topics(), downlink::accept, metrics);
      JournalPublisher forwarder = new JournalPublisher(journal, link, config.mqtt().maxInflight(),
          config.journal().resendAfter(), config.journal().keepSentFor(), clock, metrics);
      resender.set(forwarder);
      link.addListener(presence);
      forwarder.start();
      presence.start();
      link.start();
      return new AgentRuntime(config, metrics, journal, lock.get(), link, forwarder, presence, verdicts, recovered);
    } catch (IOException | RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  public AgentConfig config() {
    return config;
  }

  public Journal journal() {
    return journal;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** True when this process publishes (holds the station's publisher lock). */
  public boolean publishing() {
    return link != null;
  }

  /** True when this process publishes and its MQTT connection is up. */
  public boolean connected() {
    return link != null && link.isConnected();
  }

  public Optional<VerdictWaiter> verdicts() {
    return Optional.ofNullable(verdicts);
  }

  public Optional<StationPresence> presence() {
    return Optional.ofNullable(presence);
  }

  /** Runs closed at this start because their agent had died. */
  public List<RunFinished> recovered() {
    return recovered;
  }

  /** Waits up to {@code timeout} for the journal to empty; true when everything was acknowledged. */
  public boolean flush(Duration timeout) throws InterruptedException {
    return forwarder != null && forwarder.awaitDrained(timeout);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (publishing()) {
        presence.goodbye("agent stopped");
        boolean drained = forwarder.awaitDrained(config.run().flushTimeout());
        long left = journal.stats().depth();
        if (!drained) {
          log.warn("{} events are not acknowledged yet; they stay in the journal {} and the next agent start sends "
              + "them", left, journal.file());
        }
        presence.close();
        // with events left, ask the broker for the Will: monitors learn the station left with a backlog
        link.close(!drained);
        forwarder.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      journal.close();
      if (lock != null) {
        try {
          lock.close();
        } catch (IOException e) {
          log.warn("releasing the publisher lock failed: {}", e.getMessage(), e);
        }
      }
    }
  }

  private static void bindJournalMetrics(MeterRegistry metrics, Journal journal, Clock clock) {
    Gauge.builder("testline.agent.journal.depth", journal, j -> j.stats().depth())
        .description("events not yet acknowledged by the broker").register(metrics);
    Gauge.builder("testline.agent.journal.unconfirmed", journal, j -> j.stats().awaitingConfirmation())
        .description("events the broker acknowledged that wait for their run's verdict").register(metrics);
    Gauge.builder("testline.agent.journal.bytes", journal, j -> j.stats().bytes())
        .baseUnit("bytes").register(metrics);
    Gauge.builder("testline.agent.journal.alarm", journal, j -> j.stats().alarm() ? 1 : 0)
        .description("1 while the journal is at or above its alarm threshold").register(metrics);
    Gauge.builder("testline.agent.journal.oldest.age", journal, j -> j.stats().oldestUnsentAgeMs(clock.millis()))
        .baseUnit("milliseconds").register(metrics);
  }
}
