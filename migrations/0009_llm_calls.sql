-- Every call to the language model (/v1/ask, recommendation re-ranking, eval-llm): what it cost and
-- how it ended. The question itself is not kept, only its SHA-256, which groups the calls of one
-- question. Times are UTC.
CREATE SEQUENCE ops.llm_call_id START 1;

CREATE TABLE ops.llm_calls (
    id                BIGINT PRIMARY KEY DEFAULT nextval('ops.llm_call_id'),
    called_at         TIMESTAMP NOT NULL,
    purpose           VARCHAR NOT NULL CHECK (purpose IN ('ask', 'rerank', 'eval')),
    question_hash     VARCHAR NOT NULL,
    model             VARCHAR NOT NULL,
    mode              VARCHAR NOT NULL CHECK (mode IN ('native', 'json')),
    prompt_tokens     BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    latency_ms        BIGINT NOT NULL,
    -- The tools the model asked for in this call, comma-separated, in its order.
    tools             VARCHAR NOT NULL,
    outcome           VARCHAR NOT NULL CHECK (outcome IN ('tool_calls', 'answer', 'malformed', 'failed')),
    error_code        VARCHAR
);
