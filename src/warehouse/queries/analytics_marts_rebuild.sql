-- The analytics facts, from stage and the title identity just rebuilt.
DELETE FROM mart.global_title_weeks;
INSERT INTO mart.global_title_weeks
SELECT g.week, g.category, g.weekly_rank, m.title_id, g.show_title, g.season_title, m.kind,
       g.weekly_hours_viewed, g.weekly_views, g.cumulative_weeks_in_top_10
FROM stage.top10_global g
JOIN mart.top10_title_map m
  ON m.show_title = g.show_title AND m.kind = CASE WHEN g.category LIKE 'Films%' THEN 'film' ELSE 'series' END
ORDER BY g.week, g.category, g.weekly_rank;

DELETE FROM mart.country_title_weeks;
INSERT INTO mart.country_title_weeks
SELECT c.country_iso2, c.week, c.category, c.weekly_rank, m.title_id, c.show_title, c.season_title,
       c.cumulative_weeks_in_top_10
FROM stage.top10_countries c
JOIN mart.top10_title_map m
  ON m.show_title = c.show_title AND m.kind = CASE WHEN c.category = 'Films' THEN 'film' ELSE 'series' END
ORDER BY c.country_iso2, c.week, c.category, c.weekly_rank;

DELETE FROM mart.videos;
INSERT INTO mart.videos
SELECT v.video_id, m.title_id, v.title, v.published_at, v.duration_seconds, c.title,
       s.view_count, s.like_count, s.comment_count, s.captured_on
FROM stage.youtube_videos v
LEFT JOIN mart.title_matches m ON m.source = 'youtube' AND m.source_key = v.video_id
LEFT JOIN stage.youtube_categories c ON c.category_id = v.category_id
LEFT JOIN (
    SELECT * FROM stage.youtube_video_stats
    QUALIFY row_number() OVER (PARTITION BY video_id ORDER BY captured_on DESC) = 1
) s ON s.video_id = v.video_id
ORDER BY v.published_at;

DELETE FROM mart.title_genres;
INSERT INTO mart.title_genres
SELECT DISTINCT t.title_id, g.genre_name
FROM mart.titles t
JOIN stage.catalog_show_genres g ON g.show_id = t.catalog_show_id;
