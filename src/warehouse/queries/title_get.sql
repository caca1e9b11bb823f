-- One title. Params: title_id.
SELECT title_id, name, original_name, kind, year, catalog_show_id, top10_first_week, top10_last_week,
       top10_global_weeks, youtube_videos
FROM mart.titles
WHERE title_id = $title_id
