-- A page of the model registry, newest first, without the artifacts, with the number of models on
-- every row. Params: limit, offset.
SELECT id, run_id, trained_at, data_version, latest_week, params, features, backtest, promoted, served, artifact_bytes,
       count(*) OVER () AS total
FROM ml.models
ORDER BY id DESC
LIMIT $limit OFFSET $offset
