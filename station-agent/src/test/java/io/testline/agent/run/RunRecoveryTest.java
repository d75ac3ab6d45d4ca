package io.testline.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.agent.journal.Journal;
import io.testline.agent.journal.JournalEntry;
import io.testline.schemas.Ids;
import io.testline.schemas.Program;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.UnitUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecoveryTest {
  @TempDir
  Path tmp;

  @Test
  void a_run_journaled_by_an_agent_that_died_before_making_its_directory_is_closed_with_a_directory() throws Exception {
    Path db = tmp.resolve("journal.db");
    Path runDir = RunDirectory.path(tmp.resolve("runs"), Ids.newId());
    RunStarted started = new RunStarted(UUID.fromString(runDir.getFileName().toString()), "SN-9",
        List.of(UnitUnderTest.of("SN-9")), null, null, new Program("fct.py", "1", null), null, null, 1, null, "FCT");
    try (Journal journal = Journal.builder(db, "ST-1", Ids.newId()).open()) {
      journal.startRun(started, runDir, Instant.now());
    }
    // the agent that journaled it is gone: another process start time under its pid
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("UPDATE runs SET owner_start_ms = 1")).isEqualTo(1);
    }
    assertThat(runDir).doesNotExist();

    try (Journal journal = Journal.builder(db, "ST-1", Ids.newId()).open()) {
      var closed = new RunRecovery(journal, "ST-1", Clock.systemUTC()).closeInterruptedRuns();

      assertThat(closed).singleElement().satisfies(f -> {
        assertThat(f.runId()).isEqualTo(started.runId());
        assertThat(f.outcome()).isEqualTo(RunOutcome.ERROR);
      });
      assertThat(journal.activeRuns()).isEmpty();
      assertThat(journal.readAfter(0, 100).stream().map(JournalEntry::type))
          .contains("run.started", "run.finished");
      assertThat(Files.readString(new RunDirectory(runDir).merged())).contains("agent restarted");
      assertThat(new RunDirectory(runDir).runJson()).exists();
    }
  }
}
