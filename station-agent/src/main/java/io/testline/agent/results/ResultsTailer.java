package io.testline.agent.results;

import io.testline.schemas.Schemas;
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
 * newline is taken if it parses, and reported as invalid ("torn") otherwise, as after a crash mid-write. A line over
 * {@link #MAX_LINE_BYTES} (it could never be published) is never held whole: its bytes are counted and skipped up to
 * its newline, and it is reported as invalid ("oversize") with its first bytes; the file keeps it.
 */
public final class ResultsTailer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultsTailer.class);
  /** The longest line read: no record over the message limit can be published. */
  static final int MAX_LINE_BYTES = Schemas.MAX_MESSAGE_BYTES;
  /** How much of an oversize line is kept for its report. */
  private static final int OVERSIZE_HEAD_BYTES = 200;

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
  /** Bytes of the current line once it is over the limit (0 while it is not), and its first bytes. */
  private long oversize;
  private String oversizeHead;

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
    if (last && oversize > 0) {
      lineNumber++;
      consumer.accept(oversizeLine());
    } else if (last && pending.size() > 0) {
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
        append(buffer, start, i - start);
        start = i + 1;
        lineNumber++;
        if (oversize > 0) {
          consumer.accept(oversizeLine());
          continue;
        }
        String line = pending.toString(StandardCharsets.UTF_8).strip();
        pending.reset();
        if (!line.isEmpty()) {
          consumer.accept(parser.parse(lineNumber, line, clock.instant()));
        }
      }
    }
    append(buffer, start, n - start);
  }

  /** Adds bytes to the current line; past the limit only counts them (a line without end must not fill the heap). */
  private void append(byte[] buffer, int from, int length) {
    if (oversize == 0 && pending.size() + length > MAX_LINE_BYTES) {
      byte[] held = pending.toByteArray();
      byte[] head = new byte[Math.min(OVERSIZE_HEAD_BYTES, held.length + length)];
      int fromHeld = Math.min(head.length, held.length);
      System.arraycopy(held, 0, head, 0, fromHeld);
      System.arraycopy(buffer, from, head, fromHeld, head.length - fromHeld);
      oversizeHead = new String(head, StandardCharsets.UTF_8);
      oversize = held.length;
      pending.reset();
    }
    if (oversize > 0) {
      oversize += length;
    } else {
      pending.write(buffer, from, length);
    }
  }

  private ResultRecord oversizeLine() {
    long bytes = oversize;
    oversize = 0;
    log.warn("results file {} line {} skipped: oversize, {} bytes, over the limit of {}", file, lineNumber, bytes,
        MAX_LINE_BYTES);
    return new ResultRecord.Invalid(lineNumber, oversizeHead, "oversize: " + bytes + " bytes, over the limit of "
        + MAX_LINE_BYTES + " for one line (skipped; " + file.getFileName() + " keeps it)");
  }
}
