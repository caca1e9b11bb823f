-- Params: id, status, finished_at, error_code, error_message, data_version, quota_units, files and steps (JSON text).
UPDATE ops.ingest_runs
SET status = $status, finished_at = $finished_at, error_code = $error_code,
    error_message = $error_message, data_version = $data_version, quota_units = $quota_units, files = $files,
    steps = $steps
WHERE id = $id
