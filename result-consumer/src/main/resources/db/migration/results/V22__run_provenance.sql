-- Provenance per run: the run page lists the Kafka position of each stored event of a run (run.started, run.step,
-- run.log, run.finished, shopfloor.verdict). Null for station events and for rows stored before this version.
alter table processed_events add column run_id uuid;
create index processed_events_run on processed_events (run_id) where run_id is not null;
