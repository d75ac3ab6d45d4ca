package io.testline.agent.watch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A watched file read as a stream, never whole: {@link #sha256(Path, long)} hashes it in one pass for its content key,
 * and {@link #open} gives the importer a stream that checks, when it reaches the end, that the bytes were the ones
 * hashed. A file that changed between the two reads fails with an {@link IOException} (tried again at the next scan);
 * one that grows past the bound throws {@link Oversize}.
 */
final class WatchedContent extends FilterInputStream {
  /** The file grew past {@code watch.maxFileBytes} while it was read. */
  static final class Oversize extends IOException {
    Oversize(long max) {
      super("oversize: grew past watch.maxFileBytes " + max + " while read");
    }
  }

  private final MessageDigest digest = sha256();
  private final long max;
  private final String expected;
  private long count;
  private boolean verified;

  private WatchedContent(InputStream in, long max, String expected) {
    super(in);
    this.max = max;
    this.expected = expected;
  }

  /** The SHA-256 (hex) of the file, read once in buffers of 64 KiB; {@link Oversize} past {@code max} bytes. */
  static String sha256(Path file, long max) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      WatchedContent content = new WatchedContent(in, max, null);
      content.transferTo(OutputStream.nullOutputStream());
      return content.hex();
    }
  }

  /**
   * {@code file} (opened and closed by the caller) as a stream that fails at its end unless its SHA-256 is
   * {@code expected}. Closing it leaves {@code file} open, so a parser that closes its input does not keep the rest
   * from being read.
   */
  static WatchedContent over(InputStream file, long max, String expected) {
    return new WatchedContent(file, max, expected);
  }

  /** True once the stream was read to its end and the bytes were the ones expected. */
  boolean verified() {
    return verified;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n == -1) {
      atEnd();
      return -1;
    }
    count += n;
    if (count > max) {
      throw new Oversize(max);
    }
    digest.update(b, off, n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // every byte goes through the digest
    byte[] buffer = new byte[(int) Math.min(n, 8192)];
    int read = read(buffer, 0, buffer.length);
    return Math.max(read, 0);
  }

  @Override
  public void close() {
    // the caller closes the file
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void atEnd() throws IOException {
    if (expected != null && !verified) {
      if (!hex().equals(expected)) {
        throw new IOException("the file changed while it was read; reading it again at the next scan");
      }
      verified = true;
    }
  }

  /** The digest of what was read; once only (it resets the digest). */
  private String hex() {
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
