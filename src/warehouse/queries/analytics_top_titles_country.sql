-- Titles of one country's lists over a period (no hours or views at country level). Params: country,
-- from, to, category (NULL = all), order (weeks | best_rank; hours and views fall back to weeks),
-- limit, offset. The last column is the number of titles before paging.
SELECT c.title_id, t.name, t.kind,
       string_agg(DISTINCT c.category, ', ' ORDER BY c.category) AS categories,
       count(DISTINCT c.week) AS weeks_in_top10,
       min(c.weekly_rank) AS best_rank,
       min(c.week) AS first_week,
       max(c.week) AS last_week,
       NULL::BIGINT AS hours_viewed,
       NULL::BIGINT AS views,
       count(*) OVER () AS total
FROM mart.country_title_weeks c
JOIN mart.titles t USING (title_id)
WHERE c.country_iso2 = $country
  AND c.week BETWEEN $from AND $to
  AND ($category::VARCHAR IS NULL OR c.category = $category)
GROUP BY c.title_id, t.name, t.kind
ORDER BY CASE WHEN $order = 'best_rank' THEN best_rank END ASC,
         weeks_in_top10 DESC, best_rank, c.title_id
LIMIT $limit OFFSET $offset
