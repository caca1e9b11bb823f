-- Params: id, status, finished_at, error_code, error_message, data_version, files (JSON text).
UPDATE ops.ingest_runs
SET status = $status, finished_at = $finished_at, error_code = $error_code,
    error_message = $error_message, data_version = $data_version, files = $files
WHERE id = $id
