-- The titles with the most global hours in a period. Params: from, to, top.
SELECT title_id
FROM mart.global_title_weeks
WHERE week BETWEEN $from AND $to
GROUP BY title_id
ORDER BY sum(weekly_hours_viewed) DESC NULLS LAST, title_id
LIMIT $top
