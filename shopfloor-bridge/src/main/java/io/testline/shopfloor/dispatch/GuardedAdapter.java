package io.testline.shopfloor.dispatch;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RateLimitExceededException;
import dev.failsafe.RateLimiter;
import io.testline.schemas.RunFinished;
import io.testline.shopfloor.adapter.ShopfloorAdapter;
import io.testline.shopfloor.adapter.SubmitResult;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter behind a rate limiter and a circuit breaker (Failsafe). Transient failures count against the circuit;
 * rejections do not (the shopfloor answered). Retries are not done here: they are scheduled in the ledger.
 */
public final class GuardedAdapter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GuardedAdapter.class);
  private static final Duration HALF_OPEN_RETRY = Duration.ofMillis(250);

  private final ShopfloorAdapter adapter;
  private final CircuitBreaker<SubmitResult> breaker;
  private final FailsafeExecutor<SubmitResult> executor;

  public GuardedAdapter(ShopfloorAdapter adapter, GuardConfig config) {
    this.adapter = adapter;
    this.breaker = CircuitBreaker.<SubmitResult>builder()
        .handleResultIf(result -> result instanceof SubmitResult.TransientFailure)
        .withFailureThreshold(config.failureThreshold(), config.failureWindow())
        .withDelay(config.openDelay())
        .withSuccessThreshold(config.successThreshold())
        .onOpen(e -> log.warn("shopfloor circuit OPEN: holding submissions for {}", config.openDelay()))
        .onHalfOpen(e -> log.info("shopfloor circuit HALF-OPEN: trying submissions"))
        .onClose(e -> log.info("shopfloor circuit CLOSED: submitting"))
        .build();
    RateLimiter<SubmitResult> limiter = RateLimiter.<SubmitResult>smoothBuilder(
            Math.max(1, Math.round(config.permitsPerSecond() * 10)), Duration.ofSeconds(10))
        .withMaxWaitTime(config.maxRateWait())
        .build();
    this.executor = Failsafe.with(limiter, breaker);
  }

  /** True while the circuit is open: the dispatcher claims nothing then. */
  public boolean isOpen() {
    return breaker.isOpen();
  }

  /** How long the circuit stays open from now; zero when it is not open. */
  public Duration remainingOpen() {
    return breaker.isOpen() ? breaker.getRemainingDelay() : Duration.ZERO;
  }

  public Guarded submit(RunFinished run, String stationId) throws InterruptedException {
    long[] latency = {0};
    try {
      SubmitResult result = executor.get(() -> {
        long started = System.nanoTime();
        try {
          return adapter.submit(run, stationId);
        } catch (RuntimeException e) {
          log.error("adapter {} failed on run {}: treated as a transient failure", adapter, run.runId(), e);
          return new SubmitResult.TransientFailure("adapter error: " + e);
        } finally {
          latency[0] = System.nanoTime() - started;
        }
      });
      return new Guarded.Sent(result, Duration.ofNanos(latency[0]));
    } catch (CircuitBreakerOpenException e) {
      // half-open lets a few trial attempts through: the others come back soon, not after a whole open delay
      Duration remaining = breaker.isOpen() ? breaker.getRemainingDelay() : Duration.ZERO;
      return new Guarded.NotSent("circuit open", remaining.isZero() ? HALF_OPEN_RETRY : remaining);
    } catch (RateLimitExceededException e) {
      return new Guarded.NotSent("rate limit", Duration.ofMillis(100));
    } catch (FailsafeException e) {
      if (e.getCause() instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    adapter.close();
  }
}
