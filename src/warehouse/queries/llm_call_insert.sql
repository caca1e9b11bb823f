-- Records one language-model call. Params: called_at, purpose, question_hash, model, mode,
-- prompt_tokens, completion_tokens, latency_ms, tools, outcome, error_code.
INSERT INTO ops.llm_calls (called_at, purpose, question_hash, model, mode, prompt_tokens, completion_tokens,
                           latency_ms, tools, outcome, error_code)
VALUES ($called_at, $purpose, $question_hash, $model, $mode, $prompt_tokens, $completion_tokens,
        $latency_ms, $tools, $outcome, $error_code)
