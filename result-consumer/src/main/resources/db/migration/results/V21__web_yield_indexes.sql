-- The web's yield and measurement pages (issue 23).
--
-- Yield: a unit's (serial, operation; '' for none) finished runs in time order, with what the page counts, so the
-- window's units are read in unit order from the index alone (no sort, no heap), and "was it tested before the
-- window?" and "its runs after the window" are merge or index lookups.
create index runs_unit_operation_idx on runs (serial_number, coalesce(operation, ''), started_at, run_id)
  include (outcome, station_id) where finished;

-- Pareto: the first failing step of a failed run, read from the index alone.
create index steps_first_failing_idx on steps (run_id, step_index) include (path, name)
  where outcome in ('FAIL', 'ERROR');

-- Measurement page: every value of one measurement name, with what the chart shows, without touching the table.
create index measurements_name_idx on measurements (name, run_id, step_index)
  include (value, low_limit, high_limit);
