package io.testline.agent.run;

import io.testline.agent.journal.RunProgress;
import io.testline.schemas.LogLine;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunLog;
import io.testline.schemas.Schemas;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Batches a run's lines into run.log chunks, one stream per chunk, each below {@link Schemas#MAX_LOG_CHUNK_BYTES}
 * as JSON and at most {@link #MAX_LINES} entries. Numbers chunks across streams from a start, and line entries per
 * stream from 1 (a fragment of a split line is an entry of its own). Thread-safe; the writer side calls
 * {@link #cut(boolean)} and journals the chunks in the order returned.
 */
public final class LogChunker {
  /** Room left in a chunk for the envelope and the chunk's own fields. */
  static final int ENVELOPE_RESERVE = 1024;
  static final int MAX_LINES = 5000;
  /** JSON keys, quotes and the timestamp of one entry. */
  private static final int LINE_OVERHEAD = 64;

  /** A chunk ready to journal, with the progress it completes. */
  public record Chunk(RunLog log, RunProgress progress) {}

  private final UUID runId;
  private final String serialNumber;
  private final int maxChunkBytes;
  private final Map<LogStream, Builder> current = new EnumMap<>(LogStream.class);
  private final Map<LogStream, Long> linesOf = new EnumMap<>(LogStream.class);
  private final Deque<Chunk> ready = new ArrayDeque<>();
  private long nextChunk;
  private long totalBytes;

  private static final class Builder {
    final long firstLine;
    final List<LogLine> lines = new ArrayList<>();
    long estimate;
    long bytes;

    Builder(long firstLine) {
      this.firstLine = firstLine;
    }
  }

  public LogChunker(UUID runId, String serialNumber, long firstChunk, long stdoutLinesDone, long stderrLinesDone) {
    this(runId, serialNumber, firstChunk, stdoutLinesDone, stderrLinesDone, Schemas.MAX_LOG_CHUNK_BYTES);
  }

  LogChunker(UUID runId, String serialNumber, long firstChunk, long stdoutLinesDone, long stderrLinesDone,
      int maxChunkBytes) {
    this.runId = runId;
    this.serialNumber = serialNumber;
    this.nextChunk = firstChunk;
    this.maxChunkBytes = maxChunkBytes;
    linesOf.put(LogStream.STDOUT, stdoutLinesDone);
    linesOf.put(LogStream.STDERR, stderrLinesDone);
    linesOf.put(LogStream.AGENT, 0L);
  }

  /** Adds one entry; {@code rawBytes} is how many bytes of output it stands for. */
  public synchronized void add(LogStream stream, LogLine line, long rawBytes) {
    long estimate = estimate(line);
    Builder b = current.get(stream);
    if (b != null && (b.estimate + estimate > maxChunkBytes - ENVELOPE_RESERVE || b.lines.size() >= MAX_LINES)) {
      cutStream(stream);
      b = null;
    }
    if (b == null) {
      b = new Builder(linesOf.get(stream) + 1);
      current.put(stream, b);
    }
    b.lines.add(line);
    b.estimate += estimate;
    b.bytes += rawBytes;
    totalBytes += rawBytes;
    linesOf.merge(stream, 1L, Long::sum);
  }

  /** True when a full chunk waits: the writer need not wait for its timer. */
  public synchronized boolean hasReady() {
    return !ready.isEmpty();
  }

  /** How many full chunks wait to be taken. */
  public synchronized int readyChunks() {
    return ready.size();
  }

  /** Takes the full chunks, and with {@code all} also the partly filled ones. */
  public synchronized List<Chunk> cut(boolean all) {
    if (all) {
      for (LogStream stream : LogStream.values()) {
        if (current.containsKey(stream)) {
          cutStream(stream);
        }
      }
    }
    List<Chunk> out = new ArrayList<>(ready);
    ready.clear();
    return out;
  }

  public synchronized long chunks() {
    return nextChunk;
  }

  public synchronized long lines(LogStream stream) {
    return linesOf.get(stream);
  }

  public synchronized long bytes() {
    return totalBytes;
  }

  private void cutStream(LogStream stream) {
    Builder b = current.remove(stream);
    long chunk = nextChunk++;
    long through = b.firstLine + b.lines.size() - 1;
    RunProgress progress = new RunProgress(runId,
        stream == LogStream.STDOUT ? through : null,
        stream == LogStream.STDERR ? through : null,
        nextChunk, null, null);
    ready.add(new Chunk(new RunLog(runId, serialNumber, stream, chunk, b.firstLine, b.lines, b.bytes), progress));
  }

  /** An upper bound of the entry's JSON size: every character may need escaping as \\uXXXX. */
  static long estimate(LogLine line) {
    long text = 0;
    String s = line.text();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      text += c < 0x20 || c == '"' || c == '\\' ? 6 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    return text + (line.base64() == null ? 0 : line.base64().length() + 12)
        + (line.partial() == null ? 0 : 16) + LINE_OVERHEAD;
  }
}
