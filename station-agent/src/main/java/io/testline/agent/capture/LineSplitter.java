package io.testline.agent.capture;

import io.testline.schemas.LogStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines at {@code \n} (dropping a {@code \r} before it) and cuts lines longer than
 * {@code maxFragmentBytes} into fragments, never inside a UTF-8 sequence. Deterministic: the same bytes give the same
 * fragments however they are fed, so a restart can re-read a stream's file and find where it stopped. Not
 * thread-safe: one per stream.
 */
public final class LineSplitter {
  /** Keeps a fragment's JSON well under the run.log chunk bound even when every byte must be escaped. */
  public static final int DEFAULT_MAX_FRAGMENT_BYTES = 8192;

  private final LogStream stream;
  private final int maxFragmentBytes;
  private final Consumer<CapturedLine> out;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  public LineSplitter(LogStream stream, int maxFragmentBytes, Consumer<CapturedLine> out) {
    if (maxFragmentBytes < 4) {
      throw new IllegalArgumentException("maxFragmentBytes: must be >= 4, was " + maxFragmentBytes);
    }
    this.stream = stream;
    this.maxFragmentBytes = maxFragmentBytes;
    this.out = out;
  }

  /** Feeds bytes read at {@code at}. */
  public void feed(byte[] buffer, int offset, int length, Instant at) {
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (buffer[i] == '\n') {
        if (pending.size() == 0 && i - start <= maxFragmentBytes) {
          // the whole line is in this buffer: hand it over without staging it in pending
          emit(buffer, start, i, at);
        } else {
          pending.write(buffer, start, i - start);
          cutFragments(at);
          emitLine(at);
        }
        start = i + 1;
      }
    }
    pending.write(buffer, start, end - start);
    cutFragments(at);
  }

  private void cutFragments(Instant at) {
    while (pending.size() > maxFragmentBytes) {
      emitFragment(at);
    }
  }

  /** The stream ended: a last line without a line break is still a line. */
  public void finish(Instant at) {
    if (pending.size() > 0) {
      emitLine(at);
    }
  }

  private void emitLine(Instant at) {
    byte[] bytes = pending.toByteArray();
    pending.reset();
    emit(bytes, 0, bytes.length, at);
  }

  /** Emits {@code bytes[from, to)} as a complete line, without a {@code \r} before the line break. */
  private void emit(byte[] bytes, int from, int to, Instant at) {
    int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
    byte[] line = from == 0 && end == bytes.length ? bytes : java.util.Arrays.copyOfRange(bytes, from, end);
    out.accept(new CapturedLine(stream, at, line, false));
  }

  private void emitFragment(Instant at) {
    byte[] bytes = pending.toByteArray();
    int cut = utf8Boundary(bytes, maxFragmentBytes);
    byte[] fragment = java.util.Arrays.copyOf(bytes, cut);
    pending.reset();
    pending.write(bytes, cut, bytes.length - cut);
    out.accept(new CapturedLine(stream, at, fragment, true));
  }

  /** The largest cut at or before {@code limit} that does not split a UTF-8 sequence (when the bytes are UTF-8). */
  static int utf8Boundary(byte[] bytes, int limit) {
    int cut = limit;
    for (int back = 0; back < 3 && cut > 1 && (bytes[cut] & 0xC0) == 0x80; back++) {
      cut--;
    }
    // if more than 3 continuation bytes precede, the data is not UTF-8: cut where the limit says
    return (bytes[cut] & 0xC0) == 0x80 ? limit : cut;
  }
}
