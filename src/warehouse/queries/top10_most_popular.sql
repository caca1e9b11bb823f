-- The all-time most popular lists, optionally one category. Params: category (NULL = all).
SELECT category, rank, show_title, season_title, hours_viewed_first_91_days, runtime,
       views_first_91_days, hours_viewed_first_28_days
FROM mart.top10_most_popular
WHERE $category::VARCHAR IS NULL OR category = $category
ORDER BY category, rank
