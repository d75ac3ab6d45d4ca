package io.testline.agent.run;

import io.testline.agent.capture.CapturedLine;
import io.testline.agent.capture.LineSink;
import io.testline.agent.journal.Journal;
import io.testline.schemas.LogLine;
import io.testline.schemas.LogStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run's captured lines go: the merged log (both streams and the agent's notes, in the order the agent read
 * them, each line stamped), its running SHA-256, and the chunker whose chunks a writer thread journals every
 * {@code flushInterval} or as soon as one is full. Closing it journals the last chunks.
 *
 * <p>Bounded: when {@value #MAX_READY_CHUNKS} full chunks wait for the writer (a slow disk, a starved CPU), the thread
 * handing over lines waits for it. A capture thread then stops reading, the pipe fills and the program's writes block
 * until the journal has caught up: the program slows down, no line is lost and the heap stays small (at 50,000 lines/s
 * on a starved machine an unbounded backlog outgrew the launcher's 64 MiB heap).
 */
final class RunOutput implements LineSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunOutput.class);
  private static final byte[] OUT = " OUT  ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OUT_PARTIAL = " OUT~ ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERR = " ERR  ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERR_PARTIAL = " ERR~ ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AGT = " AGT  ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AGT_PARTIAL = " AGT~ ".getBytes(StandardCharsets.US_ASCII);
  /** Full chunks waiting for the writer before a producer of lines waits: about 1 MiB of JSON. */
  static final int MAX_READY_CHUNKS = 16;

  private final Journal journal;
  private final LogChunker chunker;
  private final OutputStream merged;
  private final MessageDigest digest;
  private final Duration flushInterval;
  private final Clock clock;
  private final Thread writer;
  private final Object wake = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private long mergedLines;
  private Instant lastStampAt;
  private byte[] lastStamp;
  private volatile Throwable writeFailure;

  RunOutput(Journal journal, LogChunker chunker, Path mergedLog, Duration flushInterval, Clock clock)
      throws IOException {
    this.journal = journal;
    this.chunker = chunker;
    this.merged = new BufferedOutputStream(Files.newOutputStream(mergedLog, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND), 64 * 1024);
    this.digest = sha256();
    this.flushInterval = flushInterval;
    this.clock = clock;
    this.writer = new Thread(this::writeLoop, "run-log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void accept(CapturedLine line) {
    LogLine entry = LogLines.toLogLine(line);
    // valid UTF-8 (no base64 copy) encodes back to exactly the captured bytes: no need to encode the text again
    byte[] text = entry.base64() == null ? line.bytes() : entry.text().getBytes(StandardCharsets.UTF_8);
    record(line.stream(), entry, text, line.bytes().length + (line.partial() ? 0 : 1));
  }

  /** The lines of one read were delivered: make them visible in the merged log (one write instead of one a line). */
  @Override
  public void endOfRead() {
    synchronized (this) {
      flushMerged();
    }
  }

  /** A note of the agent's about the run, e.g. why it killed the program; goes to the AGENT stream. */
  void agentNote(String text) {
    record(LogStream.AGENT, LogLine.of(clock.instant(), text), text.getBytes(StandardCharsets.UTF_8), 0);
    endOfRead();
  }

  /** Appends {@code <instant> TAG[~] text} to the merged log and its digest, and the entry to the chunker. */
  private void record(LogStream stream, LogLine entry, byte[] text, long rawBytes) {
    byte[] tag = switch (stream) {
      case STDOUT -> Boolean.TRUE.equals(entry.partial()) ? OUT_PARTIAL : OUT;
      case STDERR -> Boolean.TRUE.equals(entry.partial()) ? ERR_PARTIAL : ERR;
      case AGENT -> Boolean.TRUE.equals(entry.partial()) ? AGT_PARTIAL : AGT;
    };
    boolean full;
    synchronized (this) {
      byte[] at = stamp(entry.at());
      try {
        merged.write(at);
        merged.write(tag);
        merged.write(text);
        merged.write('\n');
      } catch (IOException e) {
        log.error("cannot write merged log: {}", e.getMessage(), e);
      }
      digest.update(at);
      digest.update(tag);
      digest.update(text);
      digest.update((byte) '\n');
      mergedLines++;
      chunker.add(stream, entry, rawBytes);
      full = chunker.hasReady();
    }
    if (full) {
      synchronized (wake) {
        wake.notifyAll();
        awaitWriter();
      }
    }
  }

  /** Holding {@code wake}: waits while the writer is {@value #MAX_READY_CHUNKS} chunks behind and still writing. */
  private void awaitWriter() {
    while (chunker.readyChunks() >= MAX_READY_CHUNKS && !closed.get() && writer.isAlive()) {
      try {
        wake.wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The instant's ISO-8601 text; the lines of one read share one instant, so it is formatted once for all. */
  private byte[] stamp(Instant at) {
    if (!at.equals(lastStampAt)) {
      lastStampAt = at;
      lastStamp = at.toString().getBytes(StandardCharsets.US_ASCII);
    }
    return lastStamp;
  }

  private void flushMerged() {
    try {
      merged.flush();
    } catch (IOException e) {
      log.error("cannot write merged log: {}", e.getMessage(), e);
    }
  }

  synchronized long mergedLines() {
    return mergedLines;
  }

  /** Hex SHA-256 of the merged log as written so far. */
  synchronized String sha256Hex() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
    }
  }

  LogChunker chunker() {
    return chunker;
  }

  /** The first failure to journal a chunk, if any. */
  Throwable writeFailure() {
    return writeFailure;
  }

  private void writeLoop() {
    while (!closed.get()) {
      synchronized (wake) {
        try {
          if (!chunker.hasReady()) {
            wake.wait(flushInterval.toMillis());
          }
        } catch (InterruptedException e) {
          return;
        }
      }
      journalChunks(true);
      synchronized (wake) {
        wake.notifyAll(); // producers waiting for the backlog to shrink
      }
    }
  }

  private void journalChunks(boolean all) {
    for (LogChunker.Chunk chunk : chunker.cut(all)) {
      try {
        journal.append(chunk.log(), chunk.log().lines().get(0).at(), chunk.progress());
      } catch (RuntimeException e) {
        if (writeFailure == null) {
          writeFailure = e;
        }
        log.error("cannot journal log chunk {} of run {}: {}", chunk.log().chunk(), chunk.log().runId(),
            e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (wake) {
      wake.notifyAll();
    }
    try {
      // not interrupted: an interrupt would abort a journal write in progress
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      journalChunks(true);
      merged.close();
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
