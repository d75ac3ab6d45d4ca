package io.testline.consumer.store;

import io.testline.schemas.Event;
import io.testline.schemas.RunAttachment;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.ShopfloorVerdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The events of one batch grouped by the statement that stores them, with at most one event per natural key in
 * each group. Batched upserts are rewritten into one multi-row statement, and PostgreSQL refuses to update one row
 * twice in a statement; the rules below pick the event the sequential order would have left in effect:
 * <ul>
 *   <li>run.started: the first (they describe the same run; a later one changes nothing once one is stored);</li>
 *   <li>run.finished: the last (the authoritative record; it replaces the run's steps and measurements);</li>
 *   <li>run.step: the last per (run, step index);</li>
 *   <li>run.log: the first per (run, chunk), as the table keeps the first stored;</li>
 *   <li>run.attachment: the first per (run, name, chunk), likewise;</li>
 *   <li>verdict: the newest by (occurredAt, eventId), as the table keeps the newest;</li>
 *   <li>station events: all of them, in order; the station statement is not rewritten and moves forward only.</li>
 * </ul>
 * A run.started or run.step whose run.finished is in the same batch is dropped: the finished record supersedes it.
 * Statements run in the order started, finished, steps, logs, attachments, verdicts, stations. That is safe because
 * each is guarded: a started or step never overwrites a finished run, whatever order they come in.
 */
public final class WritePlan {
  final List<Event<?>> stationEvents = new ArrayList<>();
  final Map<UUID, Event<RunStarted>> started = new LinkedHashMap<>();
  final Map<UUID, Event<RunFinished>> finished = new LinkedHashMap<>();
  final Map<StepKey, Event<RunStep>> steps = new LinkedHashMap<>();
  final Map<ChunkKey, Event<RunLog>> logs = new LinkedHashMap<>();
  final Map<AttachmentKey, Event<RunAttachment>> attachments = new LinkedHashMap<>();
  final Map<UUID, Event<ShopfloorVerdict>> verdicts = new LinkedHashMap<>();

  record StepKey(UUID runId, int index) {
    @Override
    public int hashCode() {
      return 31 * spread(runId) + index;
    }
  }

  record ChunkKey(UUID runId, long chunk) {
    @Override
    public int hashCode() {
      return 31 * spread(runId) + Long.hashCode(chunk);
    }
  }

  record AttachmentKey(UUID runId, String name, int chunk) {
    @Override
    public int hashCode() {
      return 31 * (31 * spread(runId) + name.hashCode()) + chunk;
    }
  }

  /**
   * A run id's hash for the keys above. {@link UUID#hashCode()} folds the two halves with XOR, so ids whose halves
   * differ by the same bits (sequential test ids, some generators) all collide; these keys are not comparable, so a
   * collided bucket is scanned linearly and grouping a batch became quadratic.
   */
  private static int spread(UUID id) {
    return Long.hashCode(id.getMostSignificantBits() * 0x9E3779B97F4A7C15L + id.getLeastSignificantBits());
  }

  private static final Comparator<Event<?>> NEWEST =
      Comparator.<Event<?>, java.time.Instant>comparing(Event::occurredAt).thenComparing(Event::eventId);

  private WritePlan() {}

  /**
   * Groups {@code events}, in their order of arrival.
   *
   * @throws UnstorableEventException for an event that can never be stored (e.g. a run.step without an index)
   */
  @SuppressWarnings("unchecked")
  /** The runs whose description, steps or measurements this plan writes. */
  Set<UUID> runsWithMeasurements() {
    Set<UUID> runs = new LinkedHashSet<>(started.keySet());
    runs.addAll(finished.keySet());
    steps.keySet().forEach(k -> runs.add(k.runId()));
    return runs;
  }

  public static WritePlan of(List<Event<?>> events) {
    WritePlan plan = new WritePlan();
    for (Event<?> event : events) {
      switch (event.type()) {
        case STATION_BIRTH, STATION_DEATH, STATION_HEARTBEAT -> plan.stationEvents.add(event);
        case RUN_STARTED -> {
          RunStarted s = (RunStarted) event.data();
          plan.started.putIfAbsent(s.runId(), (Event<RunStarted>) event);
        }
        case RUN_FINISHED -> {
          RunFinished f = (RunFinished) event.data();
          plan.finished.remove(f.runId());
          plan.finished.put(f.runId(), (Event<RunFinished>) event);
        }
        case RUN_STEP -> {
          RunStep s = (RunStep) event.data();
          if (s.step().index() == null) {
            throw new UnstorableEventException(event.eventId(),
                "run.step of run " + s.runId() + " has no step index, so it cannot be stored idempotently");
          }
          StepKey key = new StepKey(s.runId(), s.step().index());
          plan.steps.remove(key);
          plan.steps.put(key, (Event<RunStep>) event);
        }
        case RUN_LOG -> {
          RunLog l = (RunLog) event.data();
          plan.logs.putIfAbsent(new ChunkKey(l.runId(), l.chunk()), (Event<RunLog>) event);
        }
        case RUN_ATTACHMENT -> {
          RunAttachment a = (RunAttachment) event.data();
          plan.attachments.putIfAbsent(new AttachmentKey(a.runId(), a.name(), a.chunk()),
              (Event<RunAttachment>) event);
        }
        case SHOPFLOOR_VERDICT -> {
          ShopfloorVerdict v = (ShopfloorVerdict) event.data();
          plan.verdicts.merge(v.runId(), (Event<ShopfloorVerdict>) event,
              (a, b) -> NEWEST.compare(a, b) >= 0 ? a : b);
        }
      }
    }
    // run.finished replaces the run's description, steps and measurements, and the guarded started and step
    // statements would leave them untouched after it: applying them first is wasted work (most of a catch-up)
    plan.started.keySet().removeAll(plan.finished.keySet());
    plan.steps.keySet().removeIf(key -> plan.finished.containsKey(key.runId()));
    return plan;
  }

  public int size() {
    return stationEvents.size() + started.size() + finished.size() + steps.size() + logs.size() + attachments.size()
        + verdicts.size();
  }
}
