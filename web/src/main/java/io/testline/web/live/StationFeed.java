package io.testline.web.live;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which stations changed, from the database: LISTENs on {@link #CHANNEL}, which result-consumer's tables notify with
 * a station id whenever a station's state, runs, steps or verdicts are stored (migration V10). Every web instance
 * listens on its own, so any number of them show the same live line. Ids are collected for {@code flushEvery}
 * and handed over as one set; after a (re)connect the listener is told to resynchronise, since notifications sent
 * while no one listened are lost. One thread owns the listening connection.
 */
public final class StationFeed implements AutoCloseable {
  /** The notification channel; the payload is a station id. */
  public static final String CHANNEL = "testline_web";
  private static final Logger log = LoggerFactory.getLogger(StationFeed.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** Receives the changes, on the feed's thread. */
  public interface Listener {
    /** These stations' rows changed. */
    void changed(Set<String> stationIds);

    /** Anything may have changed (the feed (re)connected): refresh everything. */
    void resync();

    /** Called about every {@code flushEvery} whether or not anything changed, e.g. for keep-alives. */
    void tick();
  }

  private final DataSource dataSource;
  private final Listener listener;
  private final Duration flushEvery;
  private final AtomicBoolean running = new AtomicBoolean();
  private final Thread thread;

  public StationFeed(DataSource dataSource, Listener listener, Duration flushEvery) {
    this.dataSource = dataSource;
    this.listener = listener;
    this.flushEvery = flushEvery;
    this.thread = new Thread(this::run, "testline-web-feed");
    this.thread.setDaemon(true);
  }

  public void start() {
    if (running.compareAndSet(false, true)) {
      thread.start();
    }
  }

  private void run() {
    Duration backoff = Duration.ofMillis(200);
    while (running.get()) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        log.info("web: listening for station changes on channel {}", CHANNEL);
        backoff = Duration.ofMillis(200);
        safely(listener::resync);
        try {
          listen(pg);
        } catch (SQLException e) {
          // a dropped session needs no UNLISTEN (and trying makes the pool log it); a live one does
          if (c.isValid(1)) {
            unlisten(c);
          }
          throw e;
        }
        unlisten(c);
      } catch (SQLException | RuntimeException e) {
        if (!running.get()) {
          return;
        }
        log.warn("web: station change feed lost the database, retrying in {}: {}", backoff, e.toString(), e);
        LockSupport.parkNanos(backoff.toNanos());
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  private void listen(PGConnection pg) throws SQLException {
    Set<String> pending = new LinkedHashSet<>();
    long flushNanos = flushEvery.toNanos();
    long nextFlush = System.nanoTime() + flushNanos;
    while (running.get()) {
      long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextFlush - System.nanoTime()));
      PGNotification[] notes = pg.getNotifications((int) Math.min(waitMs, Integer.MAX_VALUE));
      if (notes != null) {
        for (PGNotification n : notes) {
          pending.add(n.getParameter());
        }
      }
      if (System.nanoTime() - nextFlush >= 0) {
        if (!pending.isEmpty()) {
          Set<String> batch = Set.copyOf(pending);
          pending.clear();
          safely(() -> listener.changed(batch));
        }
        safely(listener::tick);
        nextFlush = System.nanoTime() + flushNanos;
      }
    }
  }

  /** A pooled connection goes back without its LISTEN, so no one else's session collects our notifications. */
  private static void unlisten(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("UNLISTEN *");
    } catch (SQLException e) {
      log.debug("web: UNLISTEN failed on a connection that is going away anyway", e);
    }
  }

  /** A listener's failure (a query, a client) must not end the feed: it is logged and the feed goes on. */
  private void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("web: live update failed: {}", e.toString(), e);
    }
  }

  /** Stops listening and waits for the thread; idempotent. */
  @Override
  public void close() {
    if (running.compareAndSet(true, false)) {
      try {
        thread.join(flushEvery.toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
