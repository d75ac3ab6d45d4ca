-- The web's yield page (issue 23): one row per unit and operation (serial, operation; '' for none) over its
-- finished runs, so a window's yield reads one row per unit instead of every run. Derived from runs: result-consumer
-- recomputes a unit's row from its finished runs in the same transaction as a run.finished of it
-- (store.UnitYield), so a redelivered or late run converges to the same row.
create table unit_yield (
  serial_number     text not null,
  operation         text not null,
  first_run_id      uuid not null,         -- the earliest finished run by (started_at, run_id)
  first_started_at  timestamptz not null,
  first_station_id  text not null,
  first_outcome     text not null,
  last_outcome      text not null,         -- the latest finished run's, by (started_at, run_id)
  runs              int not null,          -- finished runs, retests included
  primary key (serial_number, operation)
);

insert into unit_yield (serial_number, operation, first_run_id, first_started_at, first_station_id, first_outcome,
                        last_outcome, runs)
select serial_number, coalesce(operation, ''),
       (array_agg(run_id order by started_at, run_id))[1], min(started_at),
       (array_agg(station_id order by started_at, run_id))[1],
       (array_agg(outcome order by started_at, run_id))[1],
       (array_agg(outcome order by started_at desc, run_id desc))[1], count(*)
from runs where finished
group by serial_number, coalesce(operation, '');

-- A window's units in the order of their first run, with what the page counts (index-only).
create index unit_yield_first_idx on unit_yield (first_started_at)
  include (operation, first_station_id, first_outcome, last_outcome, runs);
