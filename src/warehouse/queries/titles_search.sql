-- Titles whose normalised name or original name contains the normalised query, best first: exact,
-- then prefix, then anywhere; ties by weeks on the global Top 10. Params: q, kind (NULL = any),
-- limit, offset.
SELECT title_id, name, original_name, kind, year, catalog_show_id, top10_first_week, top10_last_week,
       top10_global_weeks, youtube_videos
FROM mart.titles
WHERE (normalized_name LIKE '%' || $q || '%' OR lower(coalesce(original_name, '')) LIKE '%' || $q || '%')
  AND ($kind::VARCHAR IS NULL OR kind = $kind)
ORDER BY CASE WHEN normalized_name = $q THEN 0 WHEN starts_with(normalized_name, $q) THEN 1 ELSE 2 END,
         top10_global_weeks DESC, name, title_id
LIMIT $limit OFFSET $offset
