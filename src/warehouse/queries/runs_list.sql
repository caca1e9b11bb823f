-- Newest first, optionally filtered. Params: source, status (NULL = any), limit, offset.
SELECT id, source, trigger, status, requested_at, started_at, finished_at, error_code, error_message,
       data_version, files, quota_units, steps
FROM ops.ingest_runs
WHERE ($source::VARCHAR IS NULL OR source = $source)
  AND ($status::VARCHAR IS NULL OR status = $status)
ORDER BY id DESC
LIMIT $limit OFFSET $offset
