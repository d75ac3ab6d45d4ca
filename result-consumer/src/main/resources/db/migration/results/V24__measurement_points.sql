-- The web's measurement page and chart (issue 23): every finite value of a measurement with what the page selects
-- and shows carried on its row, so one measurement's values in a window are one index range read, without joining
-- runs and steps. Derived from runs, steps and measurements: result-consumer rewrites a run's points in the same
-- transaction as the rows they come from (store.MeasurementPoints), so replaying or redelivering changes nothing.
create table measurement_points (
  run_id      uuid not null,
  step_index  int not null,
  ordinal     int not null,
  operation   text,                       -- the run's
  step        text not null,              -- the step's path, or its name when it has none
  name        text not null,
  started_at  timestamptz not null,       -- the run's start
  station_id  text not null,              -- the run's station
  value       double precision not null,  -- finite only: text values, NaN and infinities are not points
  unit        text,
  low_limit   double precision,
  high_limit  double precision,
  primary key (run_id, step_index, ordinal)
);

insert into measurement_points (run_id, step_index, ordinal, operation, step, name, started_at, station_id, value,
                                unit, low_limit, high_limit)
select m.run_id, m.step_index, m.ordinal, r.operation, coalesce(s.path, s.name), m.name, r.started_at, r.station_id,
       m.value, m.unit, m.low_limit, m.high_limit
from measurements m
join steps s on s.run_id = m.run_id and s.step_index = m.step_index
join runs r on r.run_id = m.run_id
where m.value > '-Infinity'::float8 and m.value < 'Infinity'::float8;

-- One measurement of one operation, newest first, with everything the statistics and the chart read (index-only).
create index measurement_points_series_idx on measurement_points (name, step, operation, started_at desc, run_id desc)
  include (value, station_id, low_limit, high_limit, unit);

-- A measurement's name all but determines its step (and often its operation): without this the planner multiplies
-- their selectivities, expects a fifth of the rows and sorts a bitmap scan instead of reading the index in order.
create statistics measurement_points_key_stats (dependencies, mcv) on name, step, operation from measurement_points;
