-- What did not match, by source. Params: source (NULL = all), limit, offset.
SELECT source, source_key, source_label, normalized, reason, candidate_title_id, candidate_name, candidate_score,
       evidence
FROM mart.unmatched
WHERE $source::VARCHAR IS NULL OR source = $source
ORDER BY source, reason, source_label, source_key
LIMIT $limit OFFSET $offset
