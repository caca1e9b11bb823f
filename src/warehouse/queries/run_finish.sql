-- Params: id, status, finished_at, error_code, error_message, data_version, quota_units, files and steps
-- (JSON text), rows_read, rows_inserted, rows_updated, rows_rejected.
UPDATE ops.ingest_runs
SET status = $status, finished_at = $finished_at, error_code = $error_code,
    error_message = $error_message, data_version = $data_version, quota_units = $quota_units, files = $files,
    steps = $steps, rows_read = $rows_read, rows_inserted = $rows_inserted, rows_updated = $rows_updated,
    rows_rejected = $rows_rejected
WHERE id = $id
