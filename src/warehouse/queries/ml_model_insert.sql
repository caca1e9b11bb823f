-- Records a trained model; returns its id. Params: run_id, trained_at, data_version, latest_week,
-- params, features, backtest (JSON text), promoted, served, artifact (JSON text), artifact_bytes.
INSERT INTO ml.models (run_id, trained_at, data_version, latest_week, params, features, backtest, promoted, served,
                       artifact, artifact_bytes)
VALUES ($run_id, $trained_at, $data_version, $latest_week, $params, $features, $backtest, $promoted, $served,
        $artifact, $artifact_bytes)
RETURNING id
