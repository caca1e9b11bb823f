-- At start-up: runs a previous process left queued or running can no longer finish; their
-- transactions were never committed. Params: finished_at, error_code, error_message.
UPDATE ops.ingest_runs
SET status = 'failed', finished_at = $finished_at, error_code = $error_code, error_message = $error_message
WHERE status IN ('queued', 'running')
