-- Inside a refresh transaction that changed data. Params: changed_at, run_id.
UPDATE ops.warehouse_state
SET data_version = data_version + 1, changed_at = $changed_at, changed_by_run = $run_id
RETURNING data_version
