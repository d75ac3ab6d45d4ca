package io.testline.interop.store;

import io.testline.interop.model.RunRecord;
import java.util.List;
import java.util.Objects;

/**
 * One run as {@link RunLoader} read it from one snapshot: the export model, and the rows it was made from, for
 * what the model leaves out (the crash section, counts, the verdict's latency, the log's size in chunks and bytes).
 *
 * @param run     the {@code runs} row, every column
 * @param steps   its steps in order, each with its measurements' rows
 * @param verdict the {@code verdicts} row (verdict, code, message, attempts, latency_ms, shopfloor_reference,
 *                occurred_at), null when the shopfloor has not answered
 * @param log     the log's size: chunks, lines, bytes (zeros without a log)
 */
public record StoredRun(RunRecord record, Columns run, List<Step> steps, Columns verdict, Columns log) {
  public StoredRun {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(log, "log");
    steps = List.copyOf(steps);
  }

  /**
   * A {@code steps} row (step_index, name, path, started_at, ended_at, outcome, error_code, error_message,
   * attachments) and its {@code measurements} rows in order (step_index, ordinal, name, value, text_value, unit,
   * low_limit, high_limit, comparator, nominal, outcome, marginal).
   */
  public record Step(Columns step, List<Columns> measurements) {
    public Step {
      Objects.requireNonNull(step, "step");
      measurements = List.copyOf(measurements);
    }
  }
}
