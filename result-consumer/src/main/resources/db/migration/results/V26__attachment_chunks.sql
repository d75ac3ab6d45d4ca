-- Files uploaded with a run (run.attachment: a core, a Windows minidump), one row per chunk as the station sent it.
-- Keyed (run_id, name, chunk): a redelivered chunk stores nothing new. No run row is needed (chunks may come first).
-- The file is complete once chunk 0..chunks-1 are all here; the query API serves it only then, and only when the
-- bytes hash to sha256.
create table attachment_chunks (
  run_id     uuid   not null,
  name       text   not null,
  chunk      int    not null,
  chunks     int    not null,
  size_bytes bigint not null,
  sha256     text   not null,
  media_type text   not null,
  station_id text   not null,
  data       bytea  not null,
  primary key (run_id, name, chunk)
);
