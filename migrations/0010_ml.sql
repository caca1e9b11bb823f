-- Forecast models. One row per training run that finished: what it was trained on, with which
-- parameters and features, how it did in the backtest against the baselines, whether it was
-- promoted, and the trained boosters themselves (JSON), so a restart serves it without retraining.
CREATE SCHEMA ml;
CREATE SEQUENCE ml.model_id START 1;

CREATE TABLE ml.models (
    id            BIGINT PRIMARY KEY DEFAULT nextval('ml.model_id'),
    -- The training run in ops.ingest_runs (source 'model').
    run_id        BIGINT NOT NULL,
    trained_at    TIMESTAMP NOT NULL,
    -- The warehouse's data version the model learned from.
    data_version  BIGINT NOT NULL,
    -- The latest week of the history it learned from.
    latest_week   DATE NOT NULL,
    -- JSON: the training parameters, the feature names in column order, the backtest.
    params        VARCHAR NOT NULL,
    features      VARCHAR NOT NULL,
    backtest      VARCHAR NOT NULL,
    -- Promoted when the model beat the better baseline on MAE; `served` names what forecasts use:
    -- 'model', or the baseline ('decay' or 'persistence') served instead.
    promoted      BOOLEAN NOT NULL,
    served        VARCHAR NOT NULL CHECK (served IN ('model', 'decay', 'persistence')),
    artifact      VARCHAR NOT NULL,
    artifact_bytes BIGINT NOT NULL
);
