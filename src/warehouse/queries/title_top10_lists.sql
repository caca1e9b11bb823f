-- The title's Top 10 presence, per list and season: weeks, best rank, first and last week, and
-- hours and views on the global lists. Params: title_id.
SELECT 'global' AS region, g.category, g.season_title, count(*) AS weeks, min(g.weekly_rank) AS best_rank,
       min(g.week) AS first_week, max(g.week) AS last_week,
       sum(g.weekly_hours_viewed)::BIGINT AS hours_viewed, sum(g.weekly_views)::BIGINT AS views
FROM mart.top10_title_map m
JOIN mart.top10_global g ON g.show_title = m.show_title
 AND (CASE WHEN g.category LIKE 'Films%' THEN 'film' ELSE 'series' END) = m.kind
WHERE m.title_id = $title_id
GROUP BY ALL
UNION ALL
SELECT 'countries', c.category, c.season_title, count(DISTINCT c.week), min(c.weekly_rank), min(c.week), max(c.week),
       NULL, NULL
FROM mart.top10_title_map m
JOIN mart.top10_countries c ON c.show_title = m.show_title
 AND (CASE WHEN c.category = 'Films' THEN 'film' ELSE 'series' END) = m.kind
WHERE m.title_id = $title_id
GROUP BY ALL
ORDER BY 1 DESC, 6, 3
