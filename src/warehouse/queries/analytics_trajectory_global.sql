-- A title's weekly global ranks with hours and views. Params: title_id, from, to.
SELECT week, category, season_title, weekly_rank, weekly_hours_viewed, weekly_views, cumulative_weeks_in_top_10
FROM mart.global_title_weeks
WHERE title_id = $title_id AND week BETWEEN $from AND $to
ORDER BY week, category, weekly_rank
