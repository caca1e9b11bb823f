-- When a run of a source was last asked for, by anyone. Params: source.
SELECT max(requested_at) FROM ops.ingest_runs WHERE source = $source
