package io.testline.agent.capture;

import io.testline.schemas.LogStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one output stream of a child until end of file: copies the exact bytes to the stream's own file (flushed at
 * every read, so an agent killed with SIGKILL leaves everything it read on disk) and hands each line to a sink.
 * It tells whether it is handling a read and when it last finished one, so that whoever waits for its end can tell a
 * slow pump from a pipe that a leftover process holds open.
 */
final class StreamPump implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StreamPump.class);

  private final LogStream stream;
  private final InputStream in;
  private final OutputStream raw;
  private final LineSink sink;
  private final LineSplitter splitter;
  private final Clock clock;
  private volatile boolean handling;
  private volatile long lastReadNanos = System.nanoTime();

  StreamPump(LogStream stream, InputStream in, OutputStream raw, LineSink sink, int maxFragmentBytes, Clock clock) {
    this.stream = stream;
    this.in = in;
    this.raw = raw;
    this.sink = sink;
    this.splitter = new LineSplitter(stream, maxFragmentBytes, sink::accept);
    this.clock = clock;
  }

  @Override
  public void run() {
    byte[] buffer = new byte[64 * 1024];
    try (in; raw) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (n == 0) {
          continue;
        }
        handling = true;
        raw.write(buffer, 0, n);
        raw.flush();
        splitter.feed(buffer, 0, n, clock.instant());
        sink.endOfRead();
        lastReadNanos = System.nanoTime();
        handling = false;
      }
    } catch (IOException e) {
      // the pipe closes under the reader when the tree is killed; what was read is kept
      log.debug("{} capture ended: {}", stream, e.getMessage());
    } finally {
      handling = true;
      splitter.finish(clock.instant());
      sink.endOfRead();
    }
  }

  /** Whether it is between a read (or the end of its stream) and having handed all of it to the sink. */
  boolean handling() {
    return handling;
  }

  /** {@link System#nanoTime()} when it last finished handling a read (its creation before the first). */
  long lastReadNanos() {
    return lastReadNanos;
  }
}
