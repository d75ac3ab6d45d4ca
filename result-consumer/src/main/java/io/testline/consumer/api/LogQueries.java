package io.testline.consumer.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A run's captured output as text, merged (all streams in chunk order, as the agent captured them) or one stream,
 * paged by line entries. A line the agent split ({@code partial}) is continued by the next entry without a newline.
 */
final class LogQueries {
  /** A page of log text. {@code nextOffset} is null on the last page. */
  record Page(String text, long totalLines, long offset, Long nextOffset) {}

  private final DataSource dataSource;

  LogQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * @param stream null for merged, else STDOUT, STDERR or AGENT
   * @return null when neither the run nor any of its log is known
   */
  Page page(UUID runId, String stream, long offset, int limit) throws SQLException {
    String streamClause = stream == null ? "" : " and c.stream = ?";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        long total;
        try (PreparedStatement ps = c.prepareStatement(
            "select coalesce(sum(line_count), 0), count(*), exists (select 1 from runs where run_id = ?) "
                + "from log_chunks c where c.run_id = ?" + streamClause)) {
          ps.setObject(1, runId);
          ps.setObject(2, runId);
          if (stream != null) {
            ps.setString(3, stream);
          }
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            total = rs.getLong(1);
            if (rs.getLong(2) == 0 && !rs.getBoolean(3) && !anyChunk(c, runId)) {
              return null;
            }
          }
        }
        StringBuilder text = new StringBuilder();
        int lines = 0;
        try (PreparedStatement ps = c.prepareStatement(
            "select l.value ->> 'text', coalesce((l.value ->> 'partial')::boolean, false) "
                + "from log_chunks c cross join lateral jsonb_array_elements(c.lines) with ordinality as l(value, n) "
                + "where c.run_id = ?" + streamClause + " order by c.chunk, l.n offset ? limit ?")) {
          int i = 1;
          ps.setObject(i++, runId);
          if (stream != null) {
            ps.setString(i++, stream);
          }
          ps.setLong(i++, offset);
          ps.setInt(i, limit);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              text.append(rs.getString(1));
              if (!rs.getBoolean(2)) {
                text.append('\n');
              }
              lines++;
            }
          }
        }
        long end = offset + lines;
        return new Page(text.toString(), total, offset, end < total ? end : null);
      } finally {
        c.rollback();
      }
    }
  }

  private static boolean anyChunk(Connection c, UUID runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select exists (select 1 from log_chunks where run_id = ?)")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }
}
