-- Crash forensics (run.finished's optional crash section): where a CRASHED or TIMEOUT run's program crashed or hung.
-- crash_site is the grouping key "file:line in function" (io.testline.schemas.CrashSite.key()), what the query API
-- filters on (crashSite=) and counts by (/api/crashes); file, line and function are kept apart beside it. Runs from
-- agents older than the section, and runs that neither crashed nor timed out, have nulls.
alter table runs
  add column crash_kind text,
  add column crash_site text,
  add column crash_file text,
  add column crash_line int,
  add column crash_function text,
  add column crash_reason text,
  add column crash_traceback text,
  add column crash_core_file text;

create index runs_crash_site on runs (crash_site, started_at) where crash_site is not null;
