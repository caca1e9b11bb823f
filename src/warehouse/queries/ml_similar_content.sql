-- Catalog metadata of every title the identity links to a catalog show, for content similarity:
-- genres and people joined with the unit separator (chr(31)), and the overview. No parameters.
SELECT t.title_id,
       coalesce((SELECT string_agg(g.genre_name, chr(31)) FROM stage.catalog_show_genres g
                 WHERE g.show_id = s.show_id), '') AS genres,
       coalesce((SELECT string_agg(p.name, chr(31)) FROM stage.catalog_show_people p
                 WHERE p.show_id = s.show_id), '') AS people,
       coalesce(s.overview, '') AS overview
FROM mart.titles t
JOIN stage.catalog_shows s ON s.show_id = t.catalog_show_id
ORDER BY t.title_id
