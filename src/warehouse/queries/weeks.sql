-- Every week with data, newest first.
SELECT week, global_lists, country_lists, countries
FROM mart.weeks
ORDER BY week DESC
