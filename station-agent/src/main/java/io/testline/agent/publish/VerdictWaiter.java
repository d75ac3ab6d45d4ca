package io.testline.agent.publish;

import io.testline.schemas.EventJson;
import io.testline.schemas.ShopfloorVerdict;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives {@code shopfloor.verdict} events from the station's downlink ({@code testline/v1/<station>/verdict}) and
 * hands each to whoever waits for its run. A verdict that arrives before anyone waits is kept for a later wait.
 * Every verdict is also handed to {@code onVerdict} (the journal's confirmation), on the link's inbound thread.
 */
public final class VerdictWaiter {
  private static final Logger log = LoggerFactory.getLogger(VerdictWaiter.class);

  private final Map<UUID, CompletableFuture<ShopfloorVerdict>> verdicts = new ConcurrentHashMap<>();
  private final Consumer<UUID> onVerdict;

  public VerdictWaiter(Consumer<UUID> onVerdict) {
    this.onVerdict = onVerdict;
  }

  public VerdictWaiter() {
    this(runId -> { });
  }

  /** Inbound handler for the link (runs on its inbound thread). */
  public void accept(String topic, byte[] payload) {
    ShopfloorVerdict v;
    try {
      v = EventJson.parse(payload, ShopfloorVerdict.class).data();
      log.info("shopfloor verdict for run {}: {} {}", v.runId(), v.verdict(), v.code() == null ? "" : v.code());
      verdicts.computeIfAbsent(v.runId(), id -> new CompletableFuture<>()).complete(v);
    } catch (IllegalArgumentException e) {
      log.warn("ignoring an unreadable message on {}: {}", topic, e.getMessage(), e);
      return;
    }
    try {
      onVerdict.accept(v.runId());
    } catch (RuntimeException e) {
      // the run stays in the journal and is sent again; the shopfloor-bridge answers with the verdict again
      log.warn("cannot confirm run {} in the journal: {}", v.runId(), e.getMessage(), e);
    }
  }

  /** Waits up to {@code timeout} for the verdict on {@code runId}. */
  public Optional<ShopfloorVerdict> await(UUID runId, Duration timeout) throws InterruptedException {
    CompletableFuture<ShopfloorVerdict> f = verdicts.computeIfAbsent(runId, id -> new CompletableFuture<>());
    try {
      return Optional.of(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("verdict future failed", e);
    }
  }
}
