package io.testline.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class WriteBehindTest {

  @Test
  void writes_every_record_in_the_order_given_on_its_own_thread() {
    List<Long> offsets = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    int count = 5 * WriteBehind.BATCH + 17;
    try (WriteBehind writing = new WriteBehind("test-writer", r -> {
      offsets.add(r.offset());
      threads.add(Thread.currentThread().getName());
    })) {
      for (int i = 0; i < count; i++) {
        writing.accept(record(i));
      }
      writing.finish();
    }
    assertThat(offsets).hasSize(count).isSorted();
    assertThat(threads).containsOnly("test-writer");
  }

  @Test
  void throws_the_writers_failure_on_the_reading_thread_and_never_blocks_it() {
    UncheckedIOException diskFull = new UncheckedIOException(new IOException("No space left on device"));
    try (WriteBehind writing = new WriteBehind("test-writer", r -> {
      throw diskFull;
    })) {
      assertThatThrownBy(() -> {
        for (int i = 0; i < 1_000 * WriteBehind.BATCH; i++) {
          writing.accept(record(i));
        }
        writing.finish();
      }).isSameAs(diskFull);
    }
  }

  @Test
  void close_without_finish_stops_the_writer_and_drops_what_is_queued() throws InterruptedException {
    CountDownLatch writing = new CountDownLatch(1);
    List<Thread> writer = new ArrayList<>();
    try (WriteBehind behind = new WriteBehind("test-writer", r -> {
      writer.add(Thread.currentThread());
      writing.countDown();
    })) {
      for (int i = 0; i < 3 * WriteBehind.BATCH; i++) {
        behind.accept(record(i));
      }
      assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(writer.get(0).isAlive()).isFalse();
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset) {
    return new ConsumerRecord<>("t", 0, offset, null, new byte[0]);
  }
}
