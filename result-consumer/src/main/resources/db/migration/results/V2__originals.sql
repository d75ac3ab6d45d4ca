-- Text PostgreSQL cannot hold (U+0000, lone UTF-16 surrogates) is stored readably in its own column (U+0000 as
-- U+2400, a lone surrogate as U+FFFD) and exactly beside it: {"column": "<base64 of the original's UTF-8 bytes,
-- lone surrogates in their three-byte form>"}. Null when the row's values were stored as they came (almost always).
-- Log lines keep theirs in each line's own "base64" field, as for output that was not valid UTF-8.
alter table runs add column originals jsonb;
alter table steps add column originals jsonb;
alter table measurements add column originals jsonb;
alter table log_chunks add column originals jsonb;
alter table verdicts add column originals jsonb;
-- a station's column groups move forward independently, so each keeps its own
alter table stations add column birth_originals jsonb;
alter table stations add column death_originals jsonb;
alter table stations add column heartbeat_originals jsonb;
