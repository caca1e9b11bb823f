-- One week's global Top 10, optionally one category. Params: week, category (NULL = all).
SELECT week, category, weekly_rank, show_title, season_title,
       weekly_hours_viewed, runtime, weekly_views, cumulative_weeks_in_top_10
FROM mart.top10_global
WHERE week = $week
  AND ($category::VARCHAR IS NULL OR category = $category)
ORDER BY category, weekly_rank
