-- The web interface's live updates: whenever a station's state, its runs, their steps or their verdicts are stored,
-- notify channel testline_web with the station id. Statement-level triggers over the transition tables send one
-- notification per station and statement (PostgreSQL also folds identical notifications within a transaction), so
-- a batch of thousands of rows costs a handful of notifications. NOTIFY is delivered only at commit: listeners see
-- the rows when they are told.

create function testline_web_notify_stations() returns trigger language plpgsql as $$
begin
  perform pg_notify('testline_web', station_id) from (select distinct station_id from changed) s;
  return null;
end $$;

-- steps carry no station id: take it from their run (a step stored before its run notifies when the run comes)
create function testline_web_notify_steps() returns trigger language plpgsql as $$
begin
  perform pg_notify('testline_web', station_id)
  from (select distinct r.station_id from changed c join runs r on r.run_id = c.run_id) s;
  return null;
end $$;

create trigger stations_web_insert after insert on stations referencing new table as changed
  for each statement execute function testline_web_notify_stations();
create trigger stations_web_update after update on stations referencing new table as changed
  for each statement execute function testline_web_notify_stations();
create trigger runs_web_insert after insert on runs referencing new table as changed
  for each statement execute function testline_web_notify_stations();
create trigger runs_web_update after update on runs referencing new table as changed
  for each statement execute function testline_web_notify_stations();
create trigger verdicts_web_insert after insert on verdicts referencing new table as changed
  for each statement execute function testline_web_notify_stations();
create trigger verdicts_web_update after update on verdicts referencing new table as changed
  for each statement execute function testline_web_notify_stations();
create trigger steps_web_insert after insert on steps referencing new table as changed
  for each statement execute function testline_web_notify_steps();
create trigger steps_web_update after update on steps referencing new table as changed
  for each statement execute function testline_web_notify_steps();

-- the web's runs page filters by operation as by station, serial, program and outcome (V1's indexes)
create index runs_operation_idx on runs (operation, started_at desc);
