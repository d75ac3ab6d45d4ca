package io.testline.shopfloor;

import io.testline.schemas.Counts;
import io.testline.schemas.Event;
import io.testline.schemas.Ids;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.UnitUnderTest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Builds run.finished events for tests. */
public final class TestRuns {
  private static final UUID SESSION = Ids.newId();
  private static final AtomicLong SEQ = new AtomicLong();

  private TestRuns() {}

  public static Event<RunFinished> finished(String stationId, String serialNumber, String operation,
      RunOutcome outcome, int attempt, Instant endedAt) {
    RunFinished run = new RunFinished(Ids.newId(), serialNumber, List.of(UnitUnderTest.of(serialNumber)), "PCB-4410",
        "C", new Program("fct.py", "2.4.1", null), "op-1", "WO-1", attempt, "FCT", operation,
        endedAt.minusSeconds(10), endedAt, 10_000, outcome, outcome == RunOutcome.PASS ? 0 : 1, null, null, null,
        null, null, new Counts(3, 3, 0, 0L, 0L, 4L, 0L), null, List.of());
    return Event.of(stationId, SESSION, SEQ.getAndIncrement(), endedAt, run);
  }
}
