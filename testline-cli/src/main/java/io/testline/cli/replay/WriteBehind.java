package io.testline.cli.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Hands records from the thread that reads Kafka to one thread of its own that writes them, in batches and in the
 * order given, so decoding fetches and formatting lines run on two cores. The queue is bounded: a slow disk slows the
 * reading down instead of filling the heap. A failure of the writing thread is thrown on the reading thread, at its
 * next {@link #accept} or at {@link #finish}.
 */
final class WriteBehind implements AutoCloseable {
  static final int BATCH = 1024;
  static final int BATCHES_QUEUED = 8;

  private static final List<ConsumerRecord<byte[], byte[]>> END = List.of();

  private final Consumer<ConsumerRecord<byte[], byte[]>> sink;
  private final BlockingQueue<List<ConsumerRecord<byte[], byte[]>>> queue =
      new ArrayBlockingQueue<>(BATCHES_QUEUED);
  private final Thread thread;
  private volatile Throwable failure;
  private List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(BATCH);
  private boolean finished;

  /** Starts the writing thread; {@code sink} runs on it, one record at a time. */
  WriteBehind(String name, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    this.sink = sink;
    this.thread = new Thread(this::run, name);
    thread.start();
  }

  /** Queues {@code record} for writing; throws what the writing thread failed with, if it did. */
  void accept(ConsumerRecord<byte[], byte[]> record) {
    throwIfFailed();
    batch.add(record);
    if (batch.size() == BATCH) {
      hand(batch);
      batch = new ArrayList<>(BATCH);
    }
  }

  /** Waits until every queued record is written; throws what the writing thread failed with, if it did. */
  void finish() {
    if (!batch.isEmpty()) {
      hand(batch);
      batch = new ArrayList<>(0);
    }
    hand(END);
    join();
    finished = true;
    throwIfFailed();
  }

  /** Stops the writing thread if {@link #finish} was not reached (the reading failed); queued records are dropped. */
  @Override
  public void close() {
    if (!finished && thread.isAlive()) {
      thread.interrupt();
      join();
    }
    finished = true;
  }

  private void run() {
    try {
      while (true) {
        List<ConsumerRecord<byte[], byte[]>> next = queue.take();
        if (next == END) {
          return;
        }
        if (failure == null) {
          try {
            next.forEach(sink);
          } catch (RuntimeException | Error e) {
            // kept for the reading thread; go on taking batches so that it never blocks on a full queue
            failure = e;
          }
        }
      }
    } catch (InterruptedException closing) {
      Thread.currentThread().interrupt();
    }
  }

  private void hand(List<ConsumerRecord<byte[], byte[]>> records) {
    try {
      queue.put(records);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing records to " + thread.getName(), e);
    }
  }

  private void join() {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + thread.getName(), e);
    }
  }

  private void throwIfFailed() {
    Throwable e = failure;
    if (e instanceof RuntimeException r) {
      throw r;
    } else if (e instanceof Error error) {
      throw error;
    }
  }
}
