-- The newest model's id and artifact: what forecasts are made with. No parameters.
SELECT id, artifact
FROM ml.models
ORDER BY id DESC
LIMIT 1
