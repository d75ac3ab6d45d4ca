package io.testline.agent.journal;

import io.testline.schemas.RunAttachment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code uploads} table: files recorded with a run.finished ({@link #register}) whose chunks are not journaled
 * yet. {@link #journal} hashes a file (outside the writer), then journals all its chunks and removes its row in one
 * transaction, reading the file a chunk at a time: a kill leaves the row, and the next call does it again.
 */
final class Uploads {
  private static final Logger log = LoggerFactory.getLogger(Uploads.class);

  private final JournalStore store;
  private final Outbox outbox;
  private final Clock clock;

  Uploads(JournalStore store, Outbox outbox, Clock clock) {
    this.store = store;
    this.outbox = outbox;
    this.clock = clock;
  }

  static void register(Connection c, PendingUpload u, long nowMs) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO uploads(run_id, name, path, serial_number,"
        + " media_type, size, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, u.runId().toString());
      ps.setString(2, u.name());
      ps.setString(3, u.path().toAbsolutePath().toString());
      ps.setString(4, u.serialNumber());
      ps.setString(5, u.mediaType());
      ps.setLong(6, u.sizeBytes());
      ps.setLong(7, nowMs);
      ps.executeUpdate();
    }
  }

  List<PendingUpload> pending() {
    return store.read(c -> {
      List<PendingUpload> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT run_id, serial_number, name, path, media_type, size FROM uploads ORDER BY created_ms, run_id, name");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new PendingUpload(UUID.fromString(rs.getString(1)), rs.getString(2), rs.getString(3),
              Path.of(rs.getString(4)), rs.getString(5), rs.getLong(6)));
        }
      }
      return out;
    });
  }

  /** Journals the chunks of every pending upload; returns how many chunks. A file gone or changed is skipped. */
  synchronized int journal() {
    int chunks = 0;
    for (PendingUpload u : pending()) {
      String sha256;
      try {
        sha256 = Files.size(u.path()) == u.sizeBytes() ? sha256(u.path()) : null;
      } catch (IOException e) {
        sha256 = null;
      }
      if (sha256 == null) {
        log.warn("upload of {} for run {} dropped: {} is gone or no longer {} bytes", u.name(), u.runId(), u.path(),
            u.sizeBytes());
        store.write(c -> delete(c, u));
        continue;
      }
      String hash = sha256;
      chunks += store.write(c -> {
        if (!exists(c, u)) {
          return 0;
        }
        int n = RunAttachment.chunksFor(u.sizeBytes());
        byte[] buffer = new byte[RunAttachment.MAX_CHUNK_BYTES];
        try (InputStream in = Files.newInputStream(u.path())) {
          for (int i = 0; i < n; i++) {
            int read = in.readNBytes(buffer, 0, buffer.length);
            String data = Base64.getEncoder().encodeToString(read == buffer.length ? buffer
                : java.util.Arrays.copyOf(buffer, read));
            outbox.add(c, new RunAttachment(u.runId(), u.serialNumber(), u.name(), u.mediaType(), u.sizeBytes(),
                hash, i, n, data), clock.instant());
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + u.path() + " to upload it", e);
        }
        delete(c, u);
        return n;
      });
      log.info("run {}: {} ({} bytes) journaled for upload", u.runId(), u.name(), u.sizeBytes());
    }
    return chunks;
  }

  private static boolean exists(Connection c, PendingUpload u) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM uploads WHERE run_id = ? AND name = ?")) {
      ps.setString(1, u.runId().toString());
      ps.setString(2, u.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static int delete(Connection c, PendingUpload u) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM uploads WHERE run_id = ? AND name = ?")) {
      ps.setString(1, u.runId().toString());
      ps.setString(2, u.name());
      ps.executeUpdate();
    }
    return 0;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
