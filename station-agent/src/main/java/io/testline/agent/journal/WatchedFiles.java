package io.testline.agent.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The watched result files already journaled ({@code watched_files}), by key (name and content hash). A key is
 * recorded in the transaction that journals the file's events, so a file is published exactly once even when the
 * agent dies before it renames the file.
 */
final class WatchedFiles {
  private final JournalStore store;

  WatchedFiles(JournalStore store) {
    this.store = store;
  }

  /** Records {@code fileKey} as journaled, inside the writer's batch that journals the file's events. */
  static void record(Connection connection, String fileKey, long processedMs) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO watched_files(file_key, processed_ms) VALUES (?, ?)")) {
      ps.setString(1, fileKey);
      ps.setLong(2, processedMs);
      ps.executeUpdate();
    }
  }

  /** Whether a file with this key was journaled already. */
  boolean contains(String fileKey) {
    return store.read(connection -> {
      try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM watched_files WHERE file_key = ?")) {
        ps.setString(1, fileKey);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }
}
