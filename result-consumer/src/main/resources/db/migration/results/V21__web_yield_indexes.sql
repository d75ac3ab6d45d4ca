-- The web's yield and measurement pages (issue 23).
--
-- Yield: a unit's first and last finished run of an operation. For each run in the window the page asks "is there an
-- earlier finished run of this serial at this operation?" and "what was the last one, how many were there?": both
-- are range scans of this index (runs without an operation are one operation, '').
create index runs_unit_operation_idx on runs (serial_number, coalesce(operation, ''), started_at, run_id)
  include (outcome) where finished;

-- Pareto: the first failing step of a failed run, read from the index alone.
create index steps_first_failing_idx on steps (run_id, step_index) include (path, name)
  where outcome in ('FAIL', 'ERROR');

-- Measurement page: every value of one measurement name, with what the chart shows, without touching the table.
create index measurements_name_idx on measurements (name, run_id, step_index)
  include (value, low_limit, high_limit);
