-- The seq of the Will the station's latest birth registered (station.birth willSeq). A non-graceful station.death
-- carrying that seq is the broker's Will for the connection the birth opened: the agent vanished, so the station is
-- offline although the Will's time (taken when it was registered, at connect) is older than the heartbeats after it.
alter table stations add column will_seq bigint;
