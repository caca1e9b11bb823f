-- Global viewership per category over a period: title-weeks, hours, and average hours and views of a
-- title-week. Params: from, to.
SELECT category, count(*) AS title_weeks, count(DISTINCT week) AS weeks,
       sum(weekly_hours_viewed)::BIGINT AS hours_viewed,
       avg(weekly_hours_viewed) AS average_hours_viewed,
       avg(weekly_views) AS average_views
FROM mart.global_title_weeks
WHERE week BETWEEN $from AND $to
GROUP BY category
ORDER BY category
