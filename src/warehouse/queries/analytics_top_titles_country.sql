-- Titles of one country's lists over a period (no hours or views at country level). Params: country,
-- from, to, category (NULL = all), order (weeks | best_rank; hours and views fall back to weeks),
-- limit, offset. The last column is the number of titles before paging.
-- As analytics_top_titles_global, from the facts' precomputed columns (migration 0007).
WITH titles AS (
    SELECT title_id, any_value(name) AS name, any_value(kind) AS kind, bit_or(category_bit) AS lists,
           count(*) FILTER (WHERE CASE WHEN $category::VARCHAR IS NULL THEN first_of_week ELSE first_of_list_week END)
               AS weeks_in_top10,
           min(weekly_rank) AS best_rank,
           min(week) AS first_week,
           max(week) AS last_week,
           count(*) OVER () AS total
    FROM mart.country_title_weeks
    WHERE country_iso2 = $country
      AND week BETWEEN $from AND $to
      AND ($category::VARCHAR IS NULL OR category = $category)
    GROUP BY title_id
    ORDER BY CASE WHEN $order = 'best_rank' THEN best_rank END ASC,
             weeks_in_top10 DESC, best_rank, title_id
    LIMIT $limit OFFSET $offset
)
SELECT title_id, name, kind,
       (SELECT list(categories ORDER BY mask) FROM mart.category_sets WHERE list = 'countries')[lists] AS categories,
       weeks_in_top10, best_rank, first_week, last_week, NULL::BIGINT AS hours_viewed, NULL::BIGINT AS views, total
FROM titles
ORDER BY CASE WHEN $order = 'best_rank' THEN best_rank END ASC,
         weeks_in_top10 DESC, best_rank, title_id
