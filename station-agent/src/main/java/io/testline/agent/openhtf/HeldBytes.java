package io.testline.agent.openhtf;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The record's bytes as read, counting those that end up held in memory (everything but the attachments' data,
 * which goes to files): past {@link #MAX} it throws {@link IllegalArgumentException}, so a record of any size costs
 * the agent a bounded heap. The count is per buffer the parser fills, so it is exact to a buffer (8 KB) per
 * attachment.
 */
final class HeldBytes extends FilterInputStream {
  /**
   * At most this much of a record is held as a tree, about six times this in heap (measured: 4 MiB of log records,
   * 25 MiB live while read), within the agent's 64 MiB.
   */
  static final long MAX = 4L << 20;

  private long held;
  private boolean streaming;

  HeldBytes(InputStream in) {
    super(in);
  }

  /** While true, what is read goes to a file, not into memory, and does not count. */
  void streaming(boolean on) {
    streaming = on;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0 && !streaming) {
      held += n;
      if (held > MAX) {
        throw new IllegalArgumentException("oversize: the record's fields besides its attachments' data pass "
            + MAX + " bytes, more than the agent holds in memory for one record");
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // every byte skipped is counted as read
    return Math.max(read(new byte[(int) Math.min(Math.max(n, 0), 8192)]), 0);
  }
}
