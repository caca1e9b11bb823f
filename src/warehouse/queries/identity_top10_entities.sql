-- Each show_title spelling per kind in the global and country lists, with its first week.
SELECT show_title,
       CASE WHEN category LIKE 'Films%' THEN 'film' ELSE 'series' END AS kind,
       min(week) AS first_week
FROM (
    SELECT show_title, category, week FROM stage.top10_global
    UNION ALL
    SELECT show_title, category, week FROM stage.top10_countries
)
GROUP BY ALL
ORDER BY show_title, kind
