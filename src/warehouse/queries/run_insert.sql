-- A new queued run. Params: source, trigger, requested_at.
INSERT INTO ops.ingest_runs (source, trigger, status, requested_at)
VALUES ($source, $trigger, 'queued', $requested_at)
RETURNING id
