package io.testline.consumer.api;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The files uploaded with a run ({@code attachment_chunks}): what is there, and one file's bytes, served only when
 * every chunk is stored and the bytes hash to the station's sha256. Reads one chunk (at most 256 KiB) at a time: the
 * file is hashed in a first pass and written in a second, so nothing is sent that turns out wrong.
 */
final class AttachmentQueries {
  /** One uploaded file; {@code complete} when all of its chunks are stored. */
  record Attachment(String name, String mediaType, long sizeBytes, String sha256, int chunks, int received,
      boolean complete) {}

  private final DataSource dataSource;

  AttachmentQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  List<Attachment> list(UUID runId) throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("""
             select name, min(media_type), max(size_bytes), min(sha256), max(chunks), count(*)
             from attachment_chunks where run_id = ? group by name order by name""")) {
      ps.setObject(1, runId);
      List<Attachment> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Attachment(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(5),
              rs.getInt(6), rs.getInt(6) == rs.getInt(5)));
        }
      }
      return out;
    }
  }

  /** The file, or why not: {@link NotFoundException} for none, {@link ConflictException} when incomplete or wrong. */
  Attachment complete(UUID runId, String name) throws SQLException {
    Attachment a = list(runId).stream().filter(x -> x.name().equals(name)).findFirst()
        .orElseThrow(() -> new NotFoundException("run " + runId + " has no attachment " + name));
    if (!a.complete()) {
      throw new ConflictException("attachment " + name + " of run " + runId + " is incomplete: " + a.received()
          + " of " + a.chunks() + " chunks stored");
    }
    String stored = write(runId, a, OutputStream.nullOutputStream());
    if (!stored.equals(a.sha256())) {
      throw new ConflictException("attachment " + name + " of run " + runId + " does not hash to its sha256 "
          + a.sha256() + " (stored bytes hash to " + stored + ")");
    }
    return a;
  }

  /** Writes the file's bytes, chunk by chunk, to {@code out}; returns their SHA-256. */
  String write(UUID runId, Attachment a, OutputStream out) throws SQLException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement(
             "select data from attachment_chunks where run_id = ? and name = ? and chunk = ?")) {
      for (int i = 0; i < a.chunks(); i++) {
        ps.setObject(1, runId);
        ps.setString(2, a.name());
        ps.setInt(3, i);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new ConflictException("attachment " + a.name() + " of run " + runId + " lost chunk " + i);
          }
          byte[] bytes = rs.getBytes(1);
          digest.update(bytes);
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("client went away while sending " + a.name(), e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
