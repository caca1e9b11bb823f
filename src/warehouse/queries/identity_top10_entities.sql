-- Each show_title spelling per kind in the global and country lists, with its first week, the
-- runtimes the global lists published for it (minutes, comma-separated; empty before 2023-06) and
-- whether it charted as a limited series.
SELECT show_title,
       CASE WHEN category LIKE 'Films%' THEN 'film' ELSE 'series' END AS kind,
       min(week) AS first_week,
       coalesce(string_agg(DISTINCT CAST(round(runtime * 60) AS BIGINT)::VARCHAR, ',') FILTER (WHERE runtime > 0), '')
           AS runtimes,
       bool_or(coalesce(season_title, '') LIKE '%: Limited Series') AS limited_series
FROM (
    SELECT show_title, category, week, runtime, season_title FROM stage.top10_global
    UNION ALL
    SELECT show_title, category, week, NULL AS runtime, season_title FROM stage.top10_countries
)
GROUP BY ALL
ORDER BY show_title, kind
