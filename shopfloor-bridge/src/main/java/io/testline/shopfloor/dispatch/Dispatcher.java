package io.testline.shopfloor.dispatch;

import io.testline.shopfloor.ledger.Claim;
import io.testline.shopfloor.ledger.Ledger;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through the ledger: one thread claims due runs (the oldest unfinished run of each serial number, see
 * {@link Ledger#claimDue}) as workers become free and hands each to a bounded worker pool. A slow or failing unit
 * holds one worker for one attempt at most; its retries wait in the ledger, not in a thread.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final Ledger ledger;
  private final GuardedAdapter guard;
  private final DispatchConfig config;
  private final Clock clock;
  private final SubmissionAttempt attempt;
  private final ExecutorService workers;
  private final Semaphore freeWorkers;
  private final Object signal = new Object();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;
  private boolean woken;

  public Dispatcher(Ledger ledger, GuardedAdapter guard, DispatchConfig config, Clock clock,
      DispatchListener listener) {
    this.ledger = ledger;
    this.guard = guard;
    this.config = config;
    this.clock = clock;
    this.attempt = new SubmissionAttempt(ledger, guard, config.retry(), clock, listener);
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(config.workers(), r -> {
      Thread t = new Thread(r, "shopfloor-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.freeWorkers = new Semaphore(config.workers());
    this.thread = new Thread(this::loop, "shopfloor-dispatch");
  }

  /** Starts claiming. Idempotent. */
  public void start() {
    if (!closed.get() && running.compareAndSet(false, true)) {
      thread.start();
    }
  }

  /** Something may have become due (new runs, a redrive, a finished attempt): look now rather than at the next poll. */
  public void wake() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  private void loop() {
    int failures = 0;
    while (running.get()) {
      try {
        // once the open delay is over, an attempt moves the circuit to half-open, so claim again then
        if (guard.isOpen() && !guard.remainingOpen().isZero()) {
          pause(min(guard.remainingOpen(), config.pollInterval()));
          continue;
        }
        int free = freeWorkers.availablePermits();
        if (free == 0) {
          pause(config.pollInterval());
          continue;
        }
        List<Claim> claims = ledger.claimDue(clock.instant(), free, config.lease());
        failures = 0;
        for (Claim claim : claims) {
          freeWorkers.acquire();
          workers.execute(() -> {
            try {
              attempt.run(claim);
            } finally {
              freeWorkers.release();
              wake();
            }
          });
        }
        if (claims.isEmpty()) {
          pause(config.pollInterval());
        }
      } catch (SQLException | RuntimeException e) {
        failures++;
        Duration delay = min(config.pollInterval().multipliedBy(1L << Math.min(failures, 5)), Duration.ofSeconds(10));
        log.warn("dispatcher could not claim runs, retrying in {}", delay, e);
        pauseQuietly(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Waits up to {@code timeout} or until {@link #wake()}. */
  private void pause(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (signal) {
      while (!woken && running.get()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(signal, left);
      }
      woken = false;
    }
  }

  private void pauseQuietly(Duration timeout) {
    try {
      pause(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Stops claiming and lets running attempts finish for a grace period; attempts still running then are
   * interrupted and hand their runs back. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running.set(false);
    wake();
    try {
      thread.join(SHUTDOWN_GRACE.toMillis());
      workers.shutdown();
      if (!workers.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("attempts still running after {}: interrupting them", SHUTDOWN_GRACE);
        workers.shutdownNow();
        workers.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
  }
}
