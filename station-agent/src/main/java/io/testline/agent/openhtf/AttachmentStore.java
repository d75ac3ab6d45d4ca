package io.testline.agent.openhtf;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the attachments of one OpenHTF record as files into one directory while the record is read, so a large
 * attachment never sits in memory whole. {@link #discard()} removes what was written when the record turns out bad:
 * nothing of a rejected record stays behind beside the rejected file itself.
 */
final class AttachmentStore {
  private static final Logger log = LoggerFactory.getLogger(AttachmentStore.class);
  private static final int MAX_FILE_NAME = 100;

  /** A written attachment: where, how big, and its digests. */
  record Stored(Path file, long size, String sha256, String sha1) {}

  /** Writes one attachment's bytes to the stream it is given. */
  interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  private final Path dir;
  private final List<Path> written = new ArrayList<>();

  AttachmentStore(Path dir) {
    this.dir = dir;
  }

  /** Writes the attachment {@code name} of phase {@code phaseIndex} into a file of a safe, unique name. */
  Stored write(int phaseIndex, String name, Writer writer) throws IOException {
    Files.createDirectories(dir);
    Path file = vacant("p" + phaseIndex + "-" + safe(name));
    written.add(file);
    MessageDigest sha256 = digest("SHA-256");
    MessageDigest sha1 = digest("SHA-1");
    long[] size = {0};
    try (OutputStream out = new FilterOutputStream(Files.newOutputStream(file)) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        sha256.update(b, off, len);
        sha1.update(b, off, len);
        size[0] += len;
        out.write(b, off, len);
      }

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }
    }) {
      writer.writeTo(out);
    }
    return new Stored(file, size[0], HexFormat.of().formatHex(sha256.digest()),
        HexFormat.of().formatHex(sha1.digest()));
  }

  /** Deletes every file written so far, and the directory when it is left empty. */
  void discard() {
    for (Path file : written) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // the file stays; it is not referenced by any journaled event
        log.warn("cannot delete {}: {}", file, e.getMessage());
      }
    }
    written.clear();
    try {
      if (Files.isDirectory(dir)) {
        try (var left = Files.list(dir)) {
          if (left.findAny().isEmpty()) {
            Files.delete(dir);
          }
        }
      }
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }

  private Path vacant(String name) {
    Path candidate = dir.resolve(name);
    for (int i = 1; Files.exists(candidate); i++) {
      candidate = dir.resolve(i + "-" + name);
    }
    return candidate;
  }

  /** A file name from an attachment name: letters, digits, dot, dash and underscore, never a path. */
  static String safe(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
    if (s.isEmpty() || s.chars().allMatch(c -> c == '.')) {
      s = "attachment";
    }
    return s.length() <= MAX_FILE_NAME ? s : s.substring(s.length() - MAX_FILE_NAME);
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }
}
