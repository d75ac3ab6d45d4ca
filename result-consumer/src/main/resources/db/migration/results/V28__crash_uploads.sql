-- run.finished's crash section gained minidumpFile and uploaded (issue 28), stored beside crash_core_file (V20):
-- crash_minidump_file, the Windows minidump's name kept in the run directory; crash_uploaded, the names of the files
-- the agent uploads as run.attachment (a JSON array, null when it uploads none; crash_reason says why a kept file is
-- not uploaded). The query API answers them as crashMinidumpFile and crashUploaded. Null for runs stored before.
alter table runs
  add column crash_minidump_file text,
  add column crash_uploaded jsonb;
