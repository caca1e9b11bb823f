-- One country's Top 10 for one week, optionally one category. Params: country, week, category (NULL = all).
SELECT country_name, country_iso2, week, category, weekly_rank, show_title, season_title,
       cumulative_weeks_in_top_10
FROM mart.top10_countries
WHERE country_iso2 = $country
  AND week = $week
  AND ($category::VARCHAR IS NULL OR category = $category)
ORDER BY category, weekly_rank
