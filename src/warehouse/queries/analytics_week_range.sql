-- The first and last week the global and country lists hold together: the default period.
SELECT min(week), max(week)
FROM (
    SELECT min(week) AS week FROM mart.global_title_weeks
    UNION ALL SELECT max(week) FROM mart.global_title_weeks
    UNION ALL SELECT min(week) FROM mart.country_title_weeks
    UNION ALL SELECT max(week) FROM mart.country_title_weeks
)
