package io.testline.shopfloor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.testline.schemas.Verdict;
import io.testline.shopfloor.adapter.SubmitResult;
import io.testline.shopfloor.dispatch.DispatchListener;
import io.testline.shopfloor.ledger.LedgerStats;
import io.testline.shopfloor.ledger.SubmissionState;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bridge's own meters, named {@code testline.shopfloor.*}: outcomes by kind, shopfloor latency, and the
 * ledger's backlog, oldest unfinished run and dead runs (from the last {@link #update(LedgerStats) snapshot}).
 */
public final class ShopfloorMetrics implements DispatchListener {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Timer latency;
  private final Map<String, Counter> outcomes;
  private final Counter unreadable;
  private final Counter recorded;
  private final AtomicReference<LedgerStats> stats = new AtomicReference<>(new LedgerStats(Map.of(), null));

  public ShopfloorMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.latency = Timer.builder("testline.shopfloor.latency")
        .description("duration of one submission to the shopfloor, answer or failure")
        .publishPercentileHistogram()
        .register(registry);
    this.outcomes = Map.of(
        "accepted", outcome("accepted"),
        "rejected", outcome("rejected"),
        "transient", outcome("transient"),
        "dead", outcome("dead"),
        "held_back", outcome("held_back"));
    this.unreadable = Counter.builder("testline.shopfloor.intake.unreadable")
        .description("records on the events topic that could not be read and were skipped").register(registry);
    this.recorded = Counter.builder("testline.shopfloor.intake.recorded")
        .description("finished runs newly recorded in the ledger").register(registry);
    Gauge.builder("testline.shopfloor.backlog", stats, s -> s.get().backlog())
        .description("runs not yet final: pending and in flight").register(registry);
    Gauge.builder("testline.shopfloor.in.flight", stats, s -> s.get().count(SubmissionState.IN_FLIGHT))
        .register(registry);
    Gauge.builder("testline.shopfloor.dead", stats, s -> s.get().count(SubmissionState.DEAD))
        .description("runs given up on, waiting for a redrive").register(registry);
    Gauge.builder("testline.shopfloor.oldest.pending.age", stats, this::oldestPendingSeconds)
        .description("age of the oldest run not yet final").baseUnit("seconds").register(registry);
  }

  private Counter outcome(String kind) {
    return Counter.builder("testline.shopfloor.outcomes").tag("kind", kind)
        .description("submission outcomes: accepted, rejected, transient (retried), dead, held_back (not sent)")
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Takes a new ledger snapshot for the gauges. */
  public void update(LedgerStats snapshot) {
    stats.set(snapshot);
  }

  public void recorded(int runs) {
    recorded.increment(runs);
  }

  public void unreadable() {
    unreadable.increment();
  }

  @Override
  public void submitted(SubmitResult result, Duration took) {
    latency.record(took);
    if (result instanceof SubmitResult.TransientFailure) {
      outcomes.get("transient").increment();
    }
  }

  @Override
  public void verdictRecorded(Verdict verdict) {
    outcomes.get(verdict.name().toLowerCase(Locale.ROOT)).increment();
  }

  @Override
  public void heldBack(String reason) {
    outcomes.get("held_back").increment();
  }

  private double oldestPendingSeconds(AtomicReference<LedgerStats> ref) {
    LedgerStats s = ref.get();
    return s.oldestPending() == null ? 0
        : Math.max(0, Duration.between(s.oldestPending(), clock.instant()).toMillis() / 1000.0);
  }
}
