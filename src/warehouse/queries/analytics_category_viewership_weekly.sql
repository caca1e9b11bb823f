-- As analytics_category_viewership, per week. Params: from, to. The last column is the number of rows.
SELECT week, category, count(*) AS title_weeks,
       sum(weekly_hours_viewed)::BIGINT AS hours_viewed,
       avg(weekly_hours_viewed) AS average_hours_viewed,
       avg(weekly_views) AS average_views,
       count(*) OVER () AS total
FROM mart.global_title_weeks
WHERE week BETWEEN $from AND $to
GROUP BY week, category
ORDER BY week, category
