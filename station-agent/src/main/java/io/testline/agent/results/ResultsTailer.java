package io.testline.agent.results;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the results file while the program runs and hands each complete line (ended by a newline) to a consumer,
 * in order, on its own thread. {@link #finish()} reads what is left once the program has ended: a last line without a
 * newline is taken if it parses, and reported as invalid ("torn") otherwise, as after a crash mid-write.
 */
public final class ResultsTailer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultsTailer.class);

  private final Path file;
  private final ResultParser parser;
  private final Consumer<ResultRecord> consumer;
  private final Duration poll;
  private final Clock clock;
  private final Thread thread;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final Object wake = new Object();
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long position;
  private long lineNumber;

  public ResultsTailer(Path file, ResultParser parser, Consumer<ResultRecord> consumer, Duration poll, Clock clock) {
    this.file = file;
    this.parser = parser;
    this.consumer = consumer;
    this.poll = poll;
    this.clock = clock;
    this.thread = new Thread(this::loop, "results-tailer");
    thread.setDaemon(true);
  }

  /** Reads a whole results file at once, e.g. of a run closed after an agent crash. */
  public static void readAll(Path file, ResultParser parser, Consumer<ResultRecord> consumer, Clock clock) {
    ResultsTailer tailer = new ResultsTailer(file, parser, consumer, Duration.ofMillis(100), clock);
    tailer.finished.set(true);
    tailer.drain(true);
  }

  public void start() {
    thread.start();
  }

  /** Stops following and reads the rest of the file; returns once every line was handed over. */
  public void finish() throws InterruptedException {
    stop.set(true);
    // not interrupted: an interrupt would abort the journal write of a step being handed over
    synchronized (wake) {
      wake.notifyAll();
    }
    if (thread.isAlive()) {
      thread.join();
    }
    if (finished.compareAndSet(false, true)) {
      drain(true);
    }
  }

  @Override
  public void close() throws InterruptedException {
    finish();
  }

  private void loop() {
    while (!stop.get()) {
      drain(false);
      synchronized (wake) {
        try {
          if (!stop.get()) {
            wake.wait(poll.toMillis());
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private synchronized void drain(boolean last) {
    if (Files.exists(file)) {
      try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
        long length = in.length();
        if (length > position) {
          in.seek(position);
          byte[] buffer = new byte[(int) Math.min(length - position, 1 << 20)];
          int n;
          while (position < length && (n = in.read(buffer, 0, (int) Math.min(buffer.length, length - position))) > 0) {
            position += n;
            split(buffer, n);
          }
        }
      } catch (IOException e) {
        log.warn("cannot read results file {}: {}", file, e.getMessage(), e);
      }
    }
    if (last && pending.size() > 0) {
      String raw = pending.toString(StandardCharsets.UTF_8);
      pending.reset();
      lineNumber++;
      ResultRecord record = parser.parse(lineNumber, raw, clock.instant());
      if (record instanceof ResultRecord.Invalid invalid) {
        record = new ResultRecord.Invalid(lineNumber, raw,
            "torn last line (no newline; the program ended while writing it): " + invalid.reason());
      }
      consumer.accept(record);
    }
  }

  private void split(byte[] buffer, int n) {
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (buffer[i] == '\n') {
        pending.write(buffer, start, i - start);
        String line = pending.toString(StandardCharsets.UTF_8).strip();
        pending.reset();
        start = i + 1;
        lineNumber++;
        if (!line.isEmpty()) {
          consumer.accept(parser.parse(lineNumber, line, clock.instant()));
        }
      }
    }
    pending.write(buffer, start, n - start);
  }
}
