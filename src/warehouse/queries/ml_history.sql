-- Every global Top 10 entry with what the other feeds say about it that week: the history the
-- forecast learns from. countries: how many country lists carry the entry that week, NULL for a
-- week no country list covers; videos: YouTube videos linked to the title and published by the end
-- of the week, NULL while the warehouse holds no videos. No parameters.
WITH charts AS (
    SELECT g.*, t.title_id,
           CASE WHEN g.category LIKE 'Films%' THEN 'Films' ELSE 'TV' END AS country_category
    FROM mart.top10_global g
    LEFT JOIN mart.top10_title_map t
      ON t.show_title = g.show_title AND t.kind = CASE WHEN g.category LIKE 'Films%' THEN 'film' ELSE 'series' END
),
country_weeks AS (
    SELECT DISTINCT week FROM mart.top10_countries
),
listed AS (
    SELECT week, category, show_title, coalesce(season_title, '') AS season, count(*) AS countries
    FROM mart.top10_countries
    GROUP BY ALL
),
videos AS (
    SELECT m.title_id, v.published_at
    FROM mart.title_matches m
    JOIN stage.youtube_videos v ON v.video_id = m.source_key
    WHERE m.source = 'youtube'
),
video_counts AS (
    SELECT c.title_id, c.week, count(*) AS videos
    FROM (SELECT DISTINCT title_id, week FROM charts WHERE title_id IS NOT NULL) c
    JOIN videos v ON v.title_id = c.title_id AND v.published_at < c.week + INTERVAL 1 DAY
    GROUP BY ALL
)
SELECT c.week, c.category, c.weekly_rank, c.show_title, c.season_title,
       c.weekly_hours_viewed, c.weekly_views, c.runtime, c.cumulative_weeks_in_top_10, c.title_id,
       CASE WHEN cw.week IS NULL THEN NULL ELSE coalesce(l.countries, 0) END AS countries,
       CASE WHEN EXISTS (SELECT 1 FROM stage.youtube_videos) THEN coalesce(vc.videos, 0) END AS videos
FROM charts c
LEFT JOIN country_weeks cw ON cw.week = c.week
LEFT JOIN listed l ON l.week = c.week AND l.category = c.country_category AND l.show_title = c.show_title
    AND l.season = coalesce(c.season_title, '')
LEFT JOIN video_counts vc ON vc.title_id = c.title_id AND vc.week = c.week
ORDER BY c.week, c.category, c.weekly_rank
