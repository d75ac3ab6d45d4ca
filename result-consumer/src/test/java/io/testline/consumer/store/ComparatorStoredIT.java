package io.testline.consumer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Comparator;
import io.testline.schemas.Event;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each measurement's comparator is stored as the event carries it: the agent puts the effective one there (given,
 * or implied by the limits), so a row never has limits with a null comparator.
 */
@ExtendWith(RealBrokers.class)
class ComparatorStoredIT {
  private final Batches batches = new Batches();

  @Test
  void the_comparator_of_every_measurement_is_stored_from_the_step_and_from_the_finished_run(Database db)
      throws Exception {
    Batches.migrate(db);
    Run run = RunFixture.runs(1, 0).get(0);
    Event<?> started = run.events().get(0);
    Instant at = Instant.parse("2026-12-07T10:00:00Z");
    // what the agent makes of {"low":..,"high":..}, {"low":..}, {"high":..}, no limits, and a given comparator
    Step step = new Step("limits", null, 9, at, at, StepOutcome.FAIL, List.of(
        measurement("both", 3.2, 3.4, Comparator.GELE, MeasurementOutcome.PASS),
        measurement("low_only", 3.2, null, Comparator.GE, MeasurementOutcome.FAIL),
        measurement("high_only", null, 3.4, Comparator.LE, MeasurementOutcome.PASS),
        measurement("none", null, null, Comparator.LOG, MeasurementOutcome.UNSET),
        measurement("given", 3.2, 3.4, Comparator.GELT, MeasurementOutcome.PASS)), null, null, null);

    write(db, List.of(started, Event.of(run.station(), started.agentSession(), 1, at,
        new RunStep(run.runId(), run.serial(), step))));
    assertStored(db);

    RunFinished f = (RunFinished) run.events().get(3).data();
    RunFinished finished = new RunFinished(f.runId(), f.serialNumber(), f.units(), f.partNumber(), f.partRevision(),
        f.program(), f.operator(), f.workOrder(), f.attempt(), f.testMethod(), f.operation(), f.startedAt(),
        f.endedAt(), f.durationMs(), f.outcome(), f.exitCode(), f.signal(), f.coreDumped(), f.errorCode(),
        f.errorMessage(), f.failingStep(), f.counts(), f.log(), List.of(step));
    write(db, List.of(Event.of(run.station(), started.agentSession(), 2, at, finished)));
    assertStored(db);
  }

  private static void assertStored(Database db) {
    for (String[] expected : List.of(new String[] {"both", "GELE"}, new String[] {"low_only", "GE"},
        new String[] {"high_only", "LE"}, new String[] {"none", "LOG"}, new String[] {"given", "GELT"})) {
      assertThat(Env.count(db, "select count(*) from measurements where name = '" + expected[0]
          + "' and comparator = '" + expected[1] + "'")).as(expected[0]).isEqualTo(1);
    }
    assertThat(Env.count(db, "select count(*) from measurements where comparator is null")).isZero();
  }

  private static Measurement measurement(String name, Double low, Double high, Comparator comparator,
      MeasurementOutcome outcome) {
    return new Measurement(name, 3.3, null, "V", low, high, comparator, null, outcome, null);
  }

  private void write(Database db, List<Event<?>> events) throws Exception {
    batches.write(db, events);
  }
}
