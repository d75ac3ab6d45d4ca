package io.testline.pipeline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The benchmark's clock on the result database: a trigger of the benchmark's own (not a migration of the
 * result-consumer) notifies channel {@value #CHANNEL} with the run id whenever a run row is stored finished, and a
 * thread listens. PostgreSQL delivers a notification when the storing transaction commits, so the time it arrives is
 * the time the row became visible, with no polling interval in between. The trigger is statement-level over the
 * transition table, like the web's (V10), so a batch costs one trigger call. The payload also carries the trigger's
 * {@code clock_timestamp()} (inside the consumer's transaction, before its commit), for the per-hop figures.
 */
final class StoredListener implements AutoCloseable {
  static final String CHANNEL = "testline_bench_stored";
  private static final String SETUP = """
      create or replace function testline_bench_notify_stored() returns trigger language plpgsql as $$
      begin
        perform pg_notify('%1$s', run_id::text || ' '
            || (extract(epoch from clock_timestamp()) * 1000000)::bigint) from changed where finished;
        return null;
      end $$;
      drop trigger if exists runs_bench_insert on runs;
      drop trigger if exists runs_bench_update on runs;
      create trigger runs_bench_insert after insert on runs referencing new table as changed
        for each statement execute function testline_bench_notify_stored();
      create trigger runs_bench_update after update on runs referencing new table as changed
        for each statement execute function testline_bench_notify_stored();
      """.formatted(CHANNEL);

  private final Connection connection;
  /** The stored times of one run: commit (nanoTime and epoch ms, as the notification arrived), trigger (epoch µs). */
  record Stored(long committedNanos, long committedMs, long triggerMicros) {}

  private final Map<UUID, Stored> storedAt = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile SQLException failure;

  private StoredListener(Connection connection) {
    this.connection = connection;
    this.thread = new Thread(this::listen, "bench-stored-listener");
    this.thread.setDaemon(true);
  }

  /** Installs the trigger and starts listening. */
  static StoredListener start(String jdbcUrl, String user, String password) throws SQLException {
    Connection c = DriverManager.getConnection(jdbcUrl, user, password);
    try (Statement s = c.createStatement()) {
      s.execute(SETUP);
      s.execute("LISTEN " + CHANNEL);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    StoredListener listener = new StoredListener(c);
    listener.thread.start();
    return listener;
  }

  /** {@link System#nanoTime()} when the run's finished row was committed, or null if not (yet) told. */
  Long storedAt(UUID runId) {
    Stored s = storedAt.get(runId);
    return s == null ? null : s.committedNanos();
  }

  /** All the stored times of the run, or null if not (yet) told. */
  Stored stored(UUID runId) {
    return storedAt.get(runId);
  }

  private void listen() {
    PGConnection pg;
    try {
      pg = connection.unwrap(PGConnection.class);
      while (!closed) {
        PGNotification[] notifications = pg.getNotifications(200);
        long now = System.nanoTime();
        long nowMs = System.currentTimeMillis();
        if (notifications != null) {
          for (PGNotification n : notifications) {
            String[] p = n.getParameter().split(" ");
            storedAt.putIfAbsent(UUID.fromString(p[0]), new Stored(now, nowMs, Long.parseLong(p[1])));
          }
        }
      }
    } catch (SQLException e) {
      if (!closed) {
        failure = e;
        System.err.println("stored listener failed: " + e);
      }
    }
  }

  /** Stops listening and removes the trigger. */
  @Override
  public void close() throws SQLException {
    closed = true;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Statement s = connection.createStatement()) {
      s.execute("drop trigger if exists runs_bench_insert on runs; drop trigger if exists runs_bench_update on runs");
    } finally {
      connection.close();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
