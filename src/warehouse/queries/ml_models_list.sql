-- Every model, newest first, without its artifact. No parameters.
SELECT id, run_id, trained_at, data_version, latest_week, params, features, backtest, promoted, served, artifact_bytes
FROM ml.models
ORDER BY id DESC
