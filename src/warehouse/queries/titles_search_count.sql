-- Params: q, kind (NULL = any).
SELECT count(*)
FROM mart.titles
WHERE (normalized_name LIKE '%' || $q || '%' OR lower(coalesce(original_name, '')) LIKE '%' || $q || '%')
  AND ($kind::VARCHAR IS NULL OR kind = $kind)
