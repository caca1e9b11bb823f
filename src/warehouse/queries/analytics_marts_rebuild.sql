-- The analytics facts, from stage and the title identity just rebuilt. Each Top 10 row also gets
-- its title's name, whether it is the title's first row of its week (on any list of the region, and
-- on its own list) and its list as a bit, and each video its title's name: what the reads would
-- otherwise compute per request.
DELETE FROM mart.global_title_weeks;
INSERT INTO mart.global_title_weeks
SELECT g.week, g.category, g.weekly_rank, m.title_id, g.show_title, g.season_title, m.kind,
       g.weekly_hours_viewed, g.weekly_views, g.cumulative_weeks_in_top_10, t.name,
       row_number() OVER (PARTITION BY m.title_id, g.week ORDER BY g.category, g.weekly_rank) = 1,
       row_number() OVER (PARTITION BY m.title_id, g.week, g.category ORDER BY g.weekly_rank) = 1,
       (1 << (dense_rank() OVER (ORDER BY g.category) - 1))::INTEGER
FROM stage.top10_global g
JOIN mart.top10_title_map m
  ON m.show_title = g.show_title AND m.kind = CASE WHEN g.category LIKE 'Films%' THEN 'film' ELSE 'series' END
LEFT JOIN mart.titles t ON t.title_id = m.title_id
ORDER BY g.week, g.category, g.weekly_rank;

DELETE FROM mart.country_title_weeks;
INSERT INTO mart.country_title_weeks
SELECT c.country_iso2, c.week, c.category, c.weekly_rank, m.title_id, c.show_title, c.season_title,
       c.cumulative_weeks_in_top_10, t.name, t.kind,
       row_number() OVER (PARTITION BY c.country_iso2, m.title_id, c.week ORDER BY c.category, c.weekly_rank) = 1,
       row_number() OVER (PARTITION BY c.country_iso2, m.title_id, c.week, c.category ORDER BY c.weekly_rank) = 1,
       (1 << (dense_rank() OVER (ORDER BY c.category) - 1))::INTEGER
FROM stage.top10_countries c
JOIN mart.top10_title_map m
  ON m.show_title = c.show_title AND m.kind = CASE WHEN c.category = 'Films' THEN 'film' ELSE 'series' END
LEFT JOIN mart.titles t ON t.title_id = m.title_id
ORDER BY c.country_iso2, c.week, c.category, c.weekly_rank;

DELETE FROM mart.videos;
INSERT INTO mart.videos
SELECT v.video_id, m.title_id, v.title, v.published_at, v.duration_seconds, c.title,
       s.view_count, s.like_count, s.comment_count, s.captured_on, t.name
FROM stage.youtube_videos v
LEFT JOIN mart.title_matches m ON m.source = 'youtube' AND m.source_key = v.video_id
LEFT JOIN mart.titles t ON t.title_id = m.title_id
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

-- Every set of list bits a title can have, with the names the endpoints show for it.
DELETE FROM mart.category_sets;
INSERT INTO mart.category_sets
WITH bits AS (
    SELECT DISTINCT 'global' AS list, category, category_bit FROM mart.global_title_weeks
    UNION ALL
    SELECT DISTINCT 'countries', category, category_bit FROM mart.country_title_weeks
), masks AS (
    SELECT list, unnest(range(1, 1 << count(*))) AS mask FROM bits GROUP BY list
)
SELECT m.list, m.mask, string_agg(b.category, ', ' ORDER BY b.category)
FROM masks m JOIN bits b ON b.list = m.list AND m.mask & b.category_bit <> 0
GROUP BY m.list, m.mask;

-- The default periods, once the facts and videos above are in.
DELETE FROM mart.analytics_ranges;
INSERT INTO mart.analytics_ranges
WITH weeks AS (
    SELECT min(week) AS week FROM mart.global_title_weeks
    UNION ALL SELECT max(week) FROM mart.global_title_weeks
    UNION ALL SELECT min(week) FROM mart.country_title_weeks
    UNION ALL SELECT max(week) FROM mart.country_title_weeks
)
SELECT (SELECT min(week) FROM weeks), (SELECT max(week) FROM weeks),
       (SELECT min(published_at)::DATE FROM mart.videos), (SELECT max(published_at)::DATE FROM mart.videos);
