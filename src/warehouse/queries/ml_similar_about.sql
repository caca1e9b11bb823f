-- A title in a few words, for a language model to judge it by (the preference re-ranking of similar
-- titles): its kind and year, its original name when it differs, its genres, the global lists it
-- charted on (which say whether it is in English) and its catalog overview. Params: title_id.
SELECT t.kind,
       t.year,
       CASE WHEN t.original_name <> t.name THEN t.original_name END AS original_name,
       (SELECT string_agg(DISTINCT g.genre, ', ' ORDER BY g.genre) FROM mart.title_genres g
        WHERE g.title_id = t.title_id) AS genres,
       (SELECT string_agg(DISTINCT w.category, ', ' ORDER BY w.category) FROM mart.global_title_weeks w
        WHERE w.title_id = t.title_id) AS lists,
       s.overview
FROM mart.titles t
LEFT JOIN stage.catalog_shows s ON s.show_id = t.catalog_show_id
WHERE t.title_id = $title_id
