-- Params: source (NULL = all).
SELECT count(*) FROM mart.unmatched WHERE $source::VARCHAR IS NULL OR source = $source
