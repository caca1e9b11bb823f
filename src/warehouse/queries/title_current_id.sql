-- The title an id now belongs to: an entity's own id may have joined an older title. Params: title_id.
SELECT m.title_id
FROM stage.title_registry r
JOIN mart.title_matches m ON r.key = CASE m.source WHEN 'catalog' THEN 'catalog:' || m.source_key ELSE m.source_key END
WHERE r.title_id = $title_id
LIMIT 1
