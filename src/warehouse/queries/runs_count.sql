-- Params: source, status (NULL = any).
SELECT count(*)
FROM ops.ingest_runs
WHERE ($source::VARCHAR IS NULL OR source = $source)
  AND ($status::VARCHAR IS NULL OR status = $status)
