-- Params: id, started_at.
UPDATE ops.ingest_runs SET status = 'running', started_at = $started_at WHERE id = $id
