package io.testline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalStoreTest {
  @TempDir
  Path tmp;

  /** A counter beside the file, as the outbox's seq is: raised by works, restored when their batch rolls back. */
  private static final class Counter implements JournalStore.BatchState {
    int value;
    int before;
    int commits;

    @Override
    public void begin() {
      before = value;
    }

    @Override
    public void beforeCommit(Connection connection) {
      commits++;
    }

    @Override
    public void rollback() {
      value = before;
    }

    @Override
    public boolean changed() {
      return value != before;
    }
  }

  @Test
  void writes_queued_while_the_writer_is_busy_share_one_commit() throws Exception {
    Counter counter = new Counter();
    try (JournalStore store = openWithTable(counter)) {
      List<CompletableFuture<Integer>> writes = queueBehindBusyWriter(store, List.of(
          c -> insert(c, 1, counter), c -> insert(c, 2, counter), c -> insert(c, 3, counter)), counter);
      for (CompletableFuture<Integer> w : writes) {
        assertThat(w.get(10, TimeUnit.SECONDS)).isPositive();
      }
      assertThat(counter.commits).as("the busy write's commit, then one for the three queued").isEqualTo(2);
      assertThat(rows(store)).isEqualTo(3);
    }
  }

  @Test
  void a_failing_write_fails_alone_and_the_state_it_changed_is_rolled_back() throws Exception {
    Counter counter = new Counter();
    try (JournalStore store = openWithTable(counter)) {
      List<CompletableFuture<Integer>> writes = queueBehindBusyWriter(store, List.of(
          c -> insert(c, 1, counter),
          c -> {
            counter.value++;
            try (Statement st = c.createStatement()) {
              st.execute("INSERT INTO missing(v) VALUES (1)");
            }
            return 0;
          },
          c -> insert(c, 2, counter)), counter);

      assertThat(writes.get(0).get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThatThrownBy(() -> writes.get(1).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(JournalException.class).hasMessageContaining("cannot write journal");
      assertThat(writes.get(2).get(10, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(counter.value).as("the failed write's change was rolled back, the others' kept").isEqualTo(2);
      assertThat(rows(store)).isEqualTo(2);
    }
  }

  @Test
  void a_closed_store_refuses_writes() throws Exception {
    JournalStore store = new JournalStore(tmp.resolve("sub/dir/j.db"));
    store.start(List.of());
    store.close();
    store.close(); // idempotent
    assertThatThrownBy(() -> store.write(c -> null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }

  private JournalStore openWithTable(Counter counter) throws Exception {
    JournalStore store = new JournalStore(tmp.resolve("j.db"));
    store.setUp(c -> {
      try (Statement st = c.createStatement()) {
        return st.execute("CREATE TABLE t (v INTEGER PRIMARY KEY)");
      }
    });
    store.start(List.of(counter));
    return store;
  }

  /**
   * Holds the writer in a write of its own, queues {@code works} from their own threads, and lets the writer go once
   * every thread waits for its result; returns their results. The held write's commit is not counted.
   */
  private static List<CompletableFuture<Integer>> queueBehindBusyWriter(JournalStore store,
      List<JournalStore.Work<Integer>> works, Counter counter) throws InterruptedException {
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = new Thread(() -> store.write(c -> {
      busy.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    holder.start();
    assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
    counter.commits = 0;
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (JournalStore.Work<Integer> work : works) {
      CompletableFuture<Integer> result = new CompletableFuture<>();
      results.add(result);
      Thread t = new Thread(() -> {
        try {
          result.complete(store.write(work));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      });
      threads.add(t);
      t.start();
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> threads.stream().allMatch(JournalStoreTest::waitsForItsResult));
    release.countDown();
    holder.join(10_000);
    return results;
  }

  /** Parked in the future's get: its work is queued (not merely parked on the queue's lock). */
  private static boolean waitsForItsResult(Thread t) {
    return t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace()).anyMatch(
        f -> f.getClassName().equals(CompletableFuture.class.getName()) && f.getMethodName().equals("get"));
  }

  private static int insert(Connection c, int value, Counter counter) throws SQLException {
    counter.value++;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
      ps.setInt(1, value);
      ps.executeUpdate();
    }
    return value;
  }

  private static int rows(JournalStore store) {
    return store.read(c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
        rs.next();
        return rs.getInt(1);
      }
    });
  }
}
