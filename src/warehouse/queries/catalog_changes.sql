-- Crawled shows new to stage, and shows whose content changed: (inserted, updated).
SELECT count(*) FILTER (WHERE s.show_id IS NULL),
       count(*) FILTER (WHERE s.show_id IS NOT NULL AND s.content_hash <> l.content_hash)
FROM load.catalog_shows l
LEFT JOIN stage.catalog_shows s ON s.show_id = l.show_id
