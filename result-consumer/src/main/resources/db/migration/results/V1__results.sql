-- testline result store. Every table is keyed by a natural key from the events, so any redelivery is an upsert
-- of the same values; processed_events records every event id applied, in the same transaction as its effect.

create table processed_events (
  event_id     uuid primary key,
  schema       text not null,
  station_id   text not null,
  kafka_topic  text not null,
  kafka_partition int not null,
  kafka_offset bigint not null
);

-- One row per station: its last known state. Each group of columns is only ever moved forward in
-- (occurred_at, seq, event_id) order, so an older event delivered late never regresses it.
create table stations (
  station_id        text primary key,
  state             text not null,            -- ONLINE after a birth or heartbeat, OFFLINE after a death
  state_at          timestamptz not null,
  state_seq         bigint not null,
  state_event_id    uuid not null,
  agent_session     uuid not null,
  agent_version     text,
  config_hash       text,
  site              text,
  line              text,
  hostname          text,
  os                text,
  labels            jsonb,
  birth_at          timestamptz,
  death_at          timestamptz,
  death_graceful    boolean,
  death_reason      text,
  heartbeat_at      timestamptz,
  heartbeat         jsonb
);

create table runs (
  run_id           uuid primary key,
  serial_number    text not null,
  station_id       text not null,
  units            jsonb not null,
  part_number      text,
  part_revision    text,
  program_name     text not null,
  program_version  text,
  program_hash     text,
  operator         text,
  work_order       text,
  attempt          int not null,
  test_method      text,
  operation        text,
  started_at       timestamptz not null,
  finished         boolean not null default false,
  ended_at         timestamptz,
  duration_ms      bigint,
  outcome          text,
  exit_code        int,
  signal           text,
  core_dumped      boolean,
  error_code       text,
  error_message    text,
  failing_step     text,
  counts           jsonb,
  log_summary      jsonb
);
create index runs_started_idx on runs (started_at desc, run_id desc);
create index runs_serial_idx on runs (serial_number, started_at desc);
create index runs_station_idx on runs (station_id, started_at desc);
create index runs_program_idx on runs (program_name, started_at desc);
create index runs_outcome_idx on runs (outcome, started_at desc);
-- first-pass yield: first attempts by time
create index runs_first_pass_idx on runs (started_at, station_id, program_name) where attempt = 1 and finished;

-- No foreign key to runs: a run's steps, logs and verdict may arrive before its run.started.
create table steps (
  run_id         uuid not null,
  step_index     int not null,
  name           text not null,
  path           text,
  started_at     timestamptz,
  ended_at       timestamptz,
  outcome        text not null,
  error_code     text,
  error_message  text,
  attachments    jsonb,
  primary key (run_id, step_index)
);
create index steps_failed_idx on steps (run_id) where outcome in ('FAIL', 'ERROR');

create table measurements (
  run_id       uuid not null,
  step_index   int not null,
  ordinal      int not null,
  name         text not null,
  value        double precision,
  text_value   text,
  unit         text,
  low_limit    double precision,
  high_limit   double precision,
  comparator   text,
  nominal      double precision,
  outcome      text not null,
  marginal     boolean,
  primary key (run_id, step_index, ordinal)
);

-- One row per log chunk; its lines as a JSON array of {at, text, base64?, partial?}: logs are large and are read
-- a run at a time, so a row per line would only cost.
create table log_chunks (
  run_id         uuid not null,
  chunk          bigint not null,
  serial_number  text not null,
  station_id     text not null,
  stream         text not null,
  first_line     bigint not null,
  line_count     int not null,
  bytes          bigint not null,
  lines          jsonb not null,
  primary key (run_id, chunk)
);

create table verdicts (
  run_id              uuid primary key,
  serial_number       text not null,
  station_id          text not null,
  verdict             text not null,
  code                text,
  message             text,
  attempts            int not null,
  latency_ms          bigint,
  shopfloor_reference text,
  occurred_at         timestamptz not null,
  event_id            uuid not null
);
