-- Titles of the global lists over a period: weeks in the Top 10, best rank, first and last week,
-- hours and views. Params: from, to, category (NULL = all), order (hours | views | weeks | best_rank),
-- limit, offset. The last column is the number of titles before paging.
SELECT g.title_id, t.name, t.kind,
       string_agg(DISTINCT g.category, ', ' ORDER BY g.category) AS categories,
       count(DISTINCT g.week) AS weeks_in_top10,
       min(g.weekly_rank) AS best_rank,
       min(g.week) AS first_week,
       max(g.week) AS last_week,
       sum(g.weekly_hours_viewed)::BIGINT AS hours_viewed,
       sum(g.weekly_views)::BIGINT AS views,
       count(*) OVER () AS total
FROM mart.global_title_weeks g
JOIN mart.titles t USING (title_id)
WHERE g.week BETWEEN $from AND $to
  AND ($category::VARCHAR IS NULL OR g.category = $category)
GROUP BY g.title_id, t.name, t.kind
ORDER BY CASE WHEN $order = 'hours' THEN hours_viewed END DESC NULLS LAST,
         CASE WHEN $order = 'views' THEN views END DESC NULLS LAST,
         CASE WHEN $order = 'weeks' THEN weeks_in_top10 END DESC,
         CASE WHEN $order = 'best_rank' THEN best_rank END ASC,
         weeks_in_top10 DESC, best_rank, g.title_id
LIMIT $limit OFFSET $offset
