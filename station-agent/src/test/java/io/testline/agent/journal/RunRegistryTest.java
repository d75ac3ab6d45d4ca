package io.testline.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.schemas.Ids;
import io.testline.schemas.Program;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.StationDeath;
import io.testline.schemas.UnitUnderTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRegistryTest {
  @TempDir
  Path tmp;

  @Test
  void a_run_is_active_with_its_progress_until_its_run_finished_is_journaled() {
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      RunStarted started = new RunStarted(Ids.newId(), "SN-7", List.of(UnitUnderTest.of("SN-7")), null, null,
          new Program("fct.py", "1", null), null, null, 1, null, "FCT");
      journal.startRun(started, tmp.resolve("run"), Instant.now());
      journal.recordChild(started.runId(), ProcessHandle.current());
      journal.append(new RunStep(started.runId(), "SN-7", new Step("3V3", "Power/3V3", 0, null, null, StepOutcome.PASS, null, null, null, null)), Instant.now(),
          new RunProgress(started.runId(), 12L, 3L, 2L, 1L, "Power/3V3"));

      assertThat(journal.activeRuns()).singleElement().satisfies(run -> {
        assertThat(run.runId()).isEqualTo(started.runId());
        assertThat(run.dir()).isEqualTo(tmp.resolve("run").toAbsolutePath());
        assertThat(run.childPid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(List.of(run.stdoutLines(), run.stderrLines(), run.nextChunk(), run.stepsEmitted()))
            .containsExactly(12L, 3L, 2L, 1L);
        assertThat(Journal.ownerAlive(run)).as("this process owns it").isTrue();
      });
      assertThat(journal.runInProgress()).hasValueSatisfying(r -> {
        assertThat(r.serialNumber()).isEqualTo("SN-7");
        assertThat(r.lastStep()).isEqualTo("Power/3V3");
      });

      journal.appendFinal(started.runId(), new StationDeath(true, "stands in for run.finished"), Instant.now());
      assertThat(journal.activeRuns()).isEmpty();
      assertThat(journal.runInProgress()).isEmpty();
    }
  }

  @Test
  void a_run_is_registered_with_its_run_started_in_one_transaction_or_not_at_all() {
    try (Journal journal = Journal.builder(tmp.resolve("j.db"), "ST-1", Ids.newId()).open()) {
      RunStarted started = new RunStarted(Ids.newId(), "SN-8", List.of(UnitUnderTest.of("SN-8")), null, null,
          new Program("fct.py", "1", null), null, null, 1, null, "FCT");
      journal.startRun(started, tmp.resolve("run"), Instant.now());
      assertThat(journal.readAfter(0, 10)).singleElement()
          .satisfies(e -> assertThat(e.type()).contains("run.started"));
      assertThat(journal.activeRuns()).singleElement().satisfies(r -> assertThat(r.runId()).isEqualTo(started.runId()));

      // the registration fails (the run exists): its run.started must not stay journaled alone
      assertThatThrownBy(() -> journal.startRun(started, tmp.resolve("run"), Instant.now()))
          .isInstanceOf(RuntimeException.class);
      assertThat(journal.readAfter(0, 10)).hasSize(1);
      assertThat(journal.activeRuns()).hasSize(1);
    }
  }

  @Test
  void a_run_whose_owner_has_another_start_time_is_not_owned_by_a_live_process() {
    long self = ProcessHandle.current().pid();
    JournaledRun reusedPid = new JournaledRun(Ids.newId(), tmp, new byte[0], RunState.ACTIVE, self,
        Journal.startMillis(ProcessHandle.current()) - 60_000, null, null, 0, 0, 0, 0);
    assertThat(Journal.ownerAlive(reusedPid)).isFalse();
  }
}
