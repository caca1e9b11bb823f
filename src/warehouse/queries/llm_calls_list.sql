-- A page of language-model calls, newest first, with the number of calls on every row. Params: limit, offset.
SELECT id, called_at, purpose, question_hash, model, mode, prompt_tokens, completion_tokens, latency_ms, tools,
       outcome, error_code, count(*) OVER () AS total
FROM ops.llm_calls
ORDER BY id DESC
LIMIT $limit OFFSET $offset
