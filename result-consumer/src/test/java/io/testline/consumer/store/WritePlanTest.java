package io.testline.consumer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import io.testline.schemas.RunStep;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WritePlanTest {
  private final Run run = RunFixture.runs(1, 0).get(0);

  @Test
  void keeps_one_event_per_natural_key_so_a_multi_row_upsert_never_touches_a_row_twice() {
    List<Event<?>> events = new ArrayList<>(run.events());
    events.addAll(run.events());
    events.addAll(run.logs());
    events.addAll(run.logs());

    WritePlan plan = WritePlan.of(events);

    assertThat(plan.finished).hasSize(1);
    assertThat(plan.logs).hasSize(run.logs().size());

    WritePlan live = WritePlan.of(List.of(run.events().get(0), run.events().get(1), run.events().get(2),
        run.events().get(0), run.events().get(2)));
    assertThat(live.started).hasSize(1);
    assertThat(live.steps).hasSize(2);
  }

  @Test
  void drops_started_and_steps_superseded_by_their_run_finished_in_the_same_batch() {
    WritePlan plan = WritePlan.of(run.events());

    assertThat(plan.finished).containsOnlyKeys(run.runId());
    assertThat(plan.started).isEmpty();
    assertThat(plan.steps).isEmpty();
  }

  @Test
  void the_last_run_finished_and_the_newest_verdict_win() {
    Event<?> finished = run.events().get(3);
    Event<?> again = Event.of(finished.stationId(), finished.agentSession(), 6, finished.occurredAt(),
        finished.data());
    ShopfloorVerdict v = (ShopfloorVerdict) run.verdict().data();
    Event<?> newer = Event.of(run.verdict().stationId(), run.verdict().agentSession(), 99,
        run.verdict().occurredAt().plusSeconds(5), new ShopfloorVerdict(v.runId(), v.serialNumber(), Verdict.DEAD,
            "X", null, 3, null, null));

    WritePlan plan = WritePlan.of(List.of(finished, again, newer, run.verdict()));

    assertThat(plan.finished.get(run.runId()).eventId()).isEqualTo(again.eventId());
    assertThat(plan.verdicts.get(run.runId()).eventId()).isEqualTo(newer.eventId());
  }

  @Test
  void refuses_a_live_step_without_an_index_as_unstorable() {
    Event<?> noIndex = Event.of("ST-1", UUID.randomUUID(), 1, RunFixture.T0, new RunStep(run.runId(), run.serial(),
        new Step("x", null, null, null, null, StepOutcome.PASS, null, null, null, null)));

    assertThatThrownBy(() -> WritePlan.of(List.of(noIndex)))
        .isInstanceOf(UnstorableEventException.class)
        .hasMessageContaining("no step index");
  }
}
