-- Params: id.
SELECT id, source, trigger, status, requested_at, started_at, finished_at, error_code, error_message,
       data_version, files, quota_units, steps
FROM ops.ingest_runs
WHERE id = $id
