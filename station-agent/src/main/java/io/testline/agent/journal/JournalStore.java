package io.testline.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the journal file: its two connections, its schema, and the one writer thread through which every write goes.
 *
 * <p>The writer commits whatever is queued in one transaction (group commit): concurrent writers share an fsync, and
 * a {@link #write} returns once its work is committed. A batch that fails is rolled back and each of its works is
 * retried alone, so one bad work fails only its own caller. In-memory state kept beside the file (the next seq, the
 * byte count) takes part in each batch as a {@link BatchState}, so a rollback undoes it too. Reads use the second
 * connection, one at a time; WAL lets them run beside the writer.
 */
final class JournalStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalStore.class);
  private static final int MAX_BATCH = 512;

  /** One unit of work for the writer thread, run inside its batch transaction. */
  @FunctionalInterface
  interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** A read on the read connection. */
  @FunctionalInterface
  interface Query<T> {
    T apply(Connection connection) throws SQLException, IOException;
  }

  /** In-memory state beside the file that a batch may change and a rollback must restore. */
  interface BatchState {
    /** A batch begins: remember the state to restore. */
    void begin();

    /** The batch's works ran: write what must be committed with them. */
    default void beforeCommit(Connection connection) throws SQLException {}

    /** The batch was rolled back: restore the state remembered at {@link #begin}. */
    void rollback();

    /** Whether the state changed since {@link #begin}. */
    boolean changed();
  }

  private record Op<T>(Work<T> work, CompletableFuture<T> done) {}

  private final Path file;
  private final Connection writeConnection;
  private final Connection readConnection;
  private final BlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>();
  private final List<BatchState> states = new CopyOnWriteArrayList<>();
  private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread writer;

  /** Opens (or creates) the file and brings its schema up to date; the writer starts with {@link #start}. */
  JournalStore(Path file) throws SQLException, IOException {
    this.file = file;
    Files.createDirectories(file.toAbsolutePath().getParent());
    this.writeConnection = JournalSchema.connect(file);
    try {
      JournalSchema.migrate(writeConnection);
      this.readConnection = JournalSchema.connect(file);
    } catch (SQLException e) {
      writeConnection.close();
      throw e;
    }
    this.writer = new Thread(this::writeLoop, "journal-writer");
    writer.setDaemon(true);
  }

  Path file() {
    return file;
  }

  /** Runs {@code work} on the write connection in auto-commit mode: the journal's own setup, before {@link #start}. */
  <T> T setUp(Work<T> work) throws SQLException {
    if (writer.isAlive()) {
      throw new IllegalStateException("journal " + file + ": setUp after start");
    }
    return work.apply(writeConnection);
  }

  /** Starts the writer; every batch from now on includes {@code batchStates}. */
  void start(List<? extends BatchState> batchStates) {
    states.addAll(batchStates);
    writer.start();
  }

  /** Called on the writer thread (it must only hand work over) after each commit that changed a batch state. */
  void onChange(Runnable listener) {
    changeListeners.add(listener);
  }

  /** Runs {@code work} in the writer's next batch and returns its result once the batch is committed (on disk). */
  <T> T write(Work<T> work) {
    return await(submit(work));
  }

  /** Runs {@code query} on the read connection; a failure becomes a {@link JournalException}. */
  <T> T read(Query<T> query) {
    try {
      return query(query);
    } catch (SQLException | IOException e) {
      throw new JournalException("cannot read journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code query} on the read connection and lets its failure through. */
  <T> T query(Query<T> query) throws SQLException, IOException {
    synchronized (readConnection) {
      return query.apply(readConnection);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.interrupt();
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failPending(new IllegalStateException("journal " + file + " is closed"));
    closeQuietly(readConnection);
    closeQuietly(writeConnection);
  }

  private <T> CompletableFuture<T> submit(Work<T> work) {
    if (closed.get()) {
      throw new IllegalStateException("journal " + file + " is closed");
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    queue.add(new Op<>(work, done));
    return done;
  }

  private <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JournalException("interrupted while writing journal " + file, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof JournalException je) {
        throw je;
      }
      throw new JournalException("cannot write journal " + file + ": " + cause.getMessage(), cause);
    }
  }

  private void writeLoop() {
    List<Op<?>> batch = new ArrayList<>();
    while (!closed.get() || !queue.isEmpty()) {
      try {
        Op<?> first = queue.take();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
      } catch (InterruptedException e) {
        if (queue.isEmpty()) {
          break;
        }
        queue.drainTo(batch, MAX_BATCH);
      }
      commit(batch);
      batch.clear();
    }
  }

  private void commit(List<Op<?>> batch) {
    states.forEach(BatchState::begin);
    List<Object> results = new ArrayList<>(batch.size());
    try {
      writeConnection.setAutoCommit(false);
      for (Op<?> op : batch) {
        results.add(op.work().apply(writeConnection));
      }
      for (BatchState state : states) {
        state.beforeCommit(writeConnection);
      }
      writeConnection.commit();
    } catch (SQLException | RuntimeException e) {
      rollback();
      states.forEach(BatchState::rollback);
      if (batch.size() > 1) {
        // one bad operation must not fail the others: retry each alone
        for (Op<?> op : batch) {
          commit(List.of(op));
        }
      } else {
        log.error("journal write failed on {}: {}", file, e.getMessage(), e);
        batch.get(0).done().completeExceptionally(
            new JournalException("cannot write journal " + file + ": " + e.getMessage(), e));
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), results.get(i));
    }
    if (states.stream().anyMatch(BatchState::changed)) {
      changeListeners.forEach(Runnable::run);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Op<T> op, Object result) {
    op.done().complete((T) result);
  }

  private void rollback() {
    try {
      writeConnection.rollback();
    } catch (SQLException e) {
      log.error("journal rollback failed on {}", file, e);
    }
  }

  private void failPending(RuntimeException reason) {
    Op<?> op;
    while ((op = queue.poll()) != null) {
      op.done().completeExceptionally(reason);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      log.warn("closing journal connection failed", e);
    }
  }
}
