-- One model, without its artifact. Params: id.
SELECT id, run_id, trained_at, data_version, latest_week, params, features, backtest, promoted, served, artifact_bytes
FROM ml.models
WHERE id = $id
