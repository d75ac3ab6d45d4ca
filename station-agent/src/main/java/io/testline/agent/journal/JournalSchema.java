package io.testline.agent.journal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The journal file's connection settings and tables. Every table and column an agent ever wrote stays readable: a
 * journal of an older agent gets the columns added since at open, so its unsent events are still published.
 */
final class JournalSchema {
  private JournalSchema() {}

  /** A connection in WAL mode with {@code synchronous=FULL}: a committed transaction is fsynced. */
  static Connection connect(Path file) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 30000");
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA synchronous = FULL");
    }
    return c;
  }

  /** Creates what is missing: the tables of a new journal, the newer columns and indexes of an older one. */
  static void migrate(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, session TEXT NOT NULL,"
          + " seq INTEGER NOT NULL, type TEXT NOT NULL, topic TEXT NOT NULL, retained INTEGER NOT NULL,"
          + " payload BLOB NOT NULL, created_ms INTEGER NOT NULL)");
      st.execute("CREATE TABLE IF NOT EXISTS sessions (session TEXT PRIMARY KEY, started_ms INTEGER NOT NULL,"
          + " next_seq INTEGER NOT NULL)");
      st.execute("CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, dir TEXT NOT NULL, started BLOB NOT NULL,"
          + " state TEXT NOT NULL, owner_pid INTEGER NOT NULL, owner_start_ms INTEGER NOT NULL, child_pid INTEGER,"
          + " child_start_ms INTEGER, stdout_lines INTEGER NOT NULL, stderr_lines INTEGER NOT NULL,"
          + " next_chunk INTEGER NOT NULL, steps_emitted INTEGER NOT NULL, created_ms INTEGER NOT NULL,"
          + " last_step TEXT)");
      st.execute("CREATE INDEX IF NOT EXISTS runs_state ON runs(state)");
      addColumnIfMissing(st, "runs", "last_step", "TEXT");
      addColumnIfMissing(st, "events", "run_id", "TEXT");
      addColumnIfMissing(st, "events", "acked_ms", "INTEGER");
      addColumnIfMissing(st, "events", "resends", "INTEGER NOT NULL DEFAULT 0");
      st.execute("CREATE INDEX IF NOT EXISTS events_run ON events(run_id)");
      st.execute("CREATE INDEX IF NOT EXISTS events_session_seq ON events(session, seq)");
      st.execute("CREATE TABLE IF NOT EXISTS uploads (run_id TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,"
          + " serial_number TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL,"
          + " created_ms INTEGER NOT NULL, PRIMARY KEY (run_id, name))");
      st.execute("CREATE TABLE IF NOT EXISTS watched_files (file_key TEXT PRIMARY KEY, processed_ms INTEGER NOT NULL)");
    }
  }

  /** Journals written by an older agent lack columns added since; SQLite adds a nullable column in place. */
  private static void addColumnIfMissing(Statement st, String table, String column, String type) throws SQLException {
    try (ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        if (rs.getString("name").equalsIgnoreCase(column)) {
          return;
        }
      }
    }
    st.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
  }
}
