-- The web's yield page at a million runs (issue 23): unit_yield summed per hour of the first run's start (UTC), its
-- station and operation, so a month's yield reads one row per (hour, station, operation) instead of one per unit.
-- Derived from unit_yield: result-consumer adds each unit's new row and subtracts its old one in the statement that
-- rewrites unit_yield (store.UnitYield), so a redelivered batch (old = new) changes nothing and a unit whose first
-- run moves (an earlier run arriving late) moves from one hour to the other. Rows that sum to zero may remain.
create table unit_yield_hourly (
  hour        timestamptz not null,   -- date_trunc('hour', first_started_at, 'UTC')
  station_id  text not null,          -- the first run's
  operation   text not null,          -- '' for none, as in unit_yield
  units       int not null,
  first_pass  int not null,           -- units whose first run passed
  final_pass  int not null,           -- units whose latest run passed
  retested    int not null,           -- units with more than one run
  runs        int not null,           -- their finished runs, retests included
  primary key (hour, station_id, operation)
);

insert into unit_yield_hourly (hour, station_id, operation, units, first_pass, final_pass, retested, runs)
select date_trunc('hour', first_started_at, 'UTC'), first_station_id, operation, count(*),
       count(*) filter (where first_outcome = 'PASS'), count(*) filter (where last_outcome = 'PASS'),
       count(*) filter (where runs > 1), sum(runs)
from unit_yield
group by 1, 2, 3;

-- The Pareto of failing steps: one row per finished run that did not pass, with its first failing step (FAIL or
-- ERROR, lowest step index; its path, or its name when it has none) already found, so the page counts a window's
-- failures from one index range instead of looking up every failed run's steps. Derived from runs and steps:
-- result-consumer rewrites the rows of the runs a batch finished (store.RunFailures); a run's steps are fixed by its
-- run.finished, so no later event changes them.
create table run_failures (
  run_id      uuid primary key,
  started_at  timestamptz not null,
  station_id  text not null,
  operation   text,                   -- the run's
  step        text,                   -- the first failing step; null when no step failed (crash, timeout, ...)
  outcome     text not null
);

insert into run_failures (run_id, started_at, station_id, operation, step, outcome)
select r.run_id, r.started_at, r.station_id, r.operation, fs.step, r.outcome
from runs r left join lateral (
  select coalesce(s.path, s.name) as step from steps s
  where s.run_id = r.run_id and s.outcome in ('FAIL', 'ERROR') order by s.step_index limit 1) fs on true
where r.finished and r.outcome <> 'PASS';

-- A window's failures with everything the Pareto groups and filters by (index-only).
create index run_failures_started_idx on run_failures (started_at) include (station_id, operation, step, outcome);
