package io.testline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Ids;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSchemaTest {
  @TempDir
  Path tmp;

  @Test
  void a_journal_of_an_older_agent_opens_with_the_newer_columns_and_keeps_its_unsent_events() throws Exception {
    Path file = tmp.resolve("old.db");
    try (Connection c = JournalSchema.connect(file); Statement st = c.createStatement()) {
      // the tables as the first agents made them: no run_id, acked_ms, resends, last_step, watched_files
      st.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, session TEXT NOT NULL,"
          + " seq INTEGER NOT NULL, type TEXT NOT NULL, topic TEXT NOT NULL, retained INTEGER NOT NULL,"
          + " payload BLOB NOT NULL, created_ms INTEGER NOT NULL)");
      st.execute("CREATE TABLE sessions (session TEXT PRIMARY KEY, started_ms INTEGER NOT NULL,"
          + " next_seq INTEGER NOT NULL)");
      st.execute("CREATE TABLE runs (run_id TEXT PRIMARY KEY, dir TEXT NOT NULL, started BLOB NOT NULL,"
          + " state TEXT NOT NULL, owner_pid INTEGER NOT NULL, owner_start_ms INTEGER NOT NULL, child_pid INTEGER,"
          + " child_start_ms INTEGER, stdout_lines INTEGER NOT NULL, stderr_lines INTEGER NOT NULL,"
          + " next_chunk INTEGER NOT NULL, steps_emitted INTEGER NOT NULL, created_ms INTEGER NOT NULL)");
      st.execute("INSERT INTO events(session, seq, type, topic, retained, payload, created_ms) VALUES"
          + " ('s', 7, 'testline.station.death/1', 'testline/v1/ST-1/events', 0, X'7B7D', 1000)");
    }

    try (Journal journal = Journal.builder(file, "ST-1", Ids.newId()).open()) {
      List<JournalEntry> unsent = journal.readAfter(0, 10);
      assertThat(unsent).singleElement().satisfies(e -> {
        assertThat(e.topic()).isEqualTo("testline/v1/ST-1/events");
        assertThat(new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo("{}");
      });
      assertThat(journal.stats().depth()).isEqualTo(1);
      assertThat(journal.watchedBefore("never")).isFalse();
    }
    try (Connection c = JournalSchema.connect(file)) {
      assertThat(columns(c, "events")).contains("run_id", "acked_ms", "resends");
      assertThat(columns(c, "runs")).contains("last_step");
    }
  }

  @Test
  void migrating_twice_changes_nothing() throws Exception {
    try (Connection c = JournalSchema.connect(tmp.resolve("j.db"))) {
      JournalSchema.migrate(c);
      List<String> events = columns(c, "events");
      JournalSchema.migrate(c);
      assertThat(columns(c, "events")).isEqualTo(events);
    }
  }

  private static List<String> columns(Connection c, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        out.add(rs.getString("name"));
      }
    }
    return out;
  }
}
