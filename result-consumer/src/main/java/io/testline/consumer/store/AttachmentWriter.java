package io.testline.consumer.store;

import io.testline.schemas.Event;
import io.testline.schemas.RunAttachment;
import io.testline.text.StorableText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;

/**
 * Writes run.attachment chunks, decoded, one row per chunk; the first stored chunk stays. Row by row in one JDBC
 * batch: chunks are few and large (up to 256 KiB each), so an {@code unnest} of byte arrays would save nothing.
 */
final class AttachmentWriter {

  private static final String INSERT = """
      insert into attachment_chunks (run_id, name, chunk, chunks, size_bytes, sha256, media_type, station_id, data)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?)
      on conflict (run_id, name, chunk) do nothing""";

  private AttachmentWriter() {}

  static void writeAttachments(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.attachments.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      for (Event<RunAttachment> e : plan.attachments.values()) {
        RunAttachment a = e.data();
        ps.setObject(1, a.runId());
        ps.setString(2, a.name());
        ps.setInt(3, a.chunk());
        ps.setInt(4, a.chunks());
        ps.setLong(5, a.sizeBytes());
        ps.setString(6, a.sha256());
        ps.setString(7, StorableText.readable(a.mediaType()));
        ps.setString(8, StorableText.readable(e.stationId()));
        ps.setBytes(9, Base64.getDecoder().decode(a.data()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    stats.rows("attachment_chunks", plan.attachments.size());
  }
}
