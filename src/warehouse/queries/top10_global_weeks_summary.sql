-- The global list's first and last week, and whether it has a given week. Params: week.
SELECT min(week), max(week), coalesce(bool_or(week = $week::DATE), false)
FROM mart.top10_global
