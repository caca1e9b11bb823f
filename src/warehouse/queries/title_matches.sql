-- How each source entity was linked to the title. Params: title_id.
SELECT source, source_key, source_label, method, score, matched_on, evidence
FROM mart.title_matches
WHERE title_id = $title_id
ORDER BY CASE source WHEN 'catalog' THEN 0 WHEN 'top10' THEN 1 ELSE 2 END, source_label, source_key
