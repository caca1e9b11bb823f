-- Titles of the global lists over a period: weeks in the Top 10, best rank, first and last week,
-- hours and views. Params: from, to, category (NULL = all), order (hours | views | weeks | best_rank),
-- limit, offset. The last column is the number of titles before paging.
-- The facts carry what a title needs (migration 0007): weeks count the title's first row of each
-- week (on its list, when one list is asked for), and its lists are the OR of their bits, named
-- from mart.category_sets for the page's rows only.
WITH titles AS (
    SELECT title_id, any_value(name) AS name, any_value(kind) AS kind, bit_or(category_bit) AS lists,
           count(*) FILTER (WHERE CASE WHEN $category::VARCHAR IS NULL THEN first_of_week ELSE first_of_list_week END)
               AS weeks_in_top10,
           min(weekly_rank) AS best_rank,
           min(week) AS first_week,
           max(week) AS last_week,
           sum(weekly_hours_viewed)::BIGINT AS hours_viewed,
           sum(weekly_views)::BIGINT AS views,
           count(*) OVER () AS total
    FROM mart.global_title_weeks
    WHERE week BETWEEN $from AND $to
      AND ($category::VARCHAR IS NULL OR category = $category)
    GROUP BY title_id
    ORDER BY CASE WHEN $order = 'hours' THEN hours_viewed END DESC NULLS LAST,
             CASE WHEN $order = 'views' THEN views END DESC NULLS LAST,
             CASE WHEN $order = 'weeks' THEN weeks_in_top10 END DESC,
             CASE WHEN $order = 'best_rank' THEN best_rank END ASC,
             weeks_in_top10 DESC, best_rank, title_id
    LIMIT $limit OFFSET $offset
)
SELECT title_id, name, kind,
       (SELECT list(categories ORDER BY mask) FROM mart.category_sets WHERE list = 'global')[lists] AS categories,
       weeks_in_top10, best_rank, first_week, last_week, hours_viewed, views, total
FROM titles
ORDER BY CASE WHEN $order = 'hours' THEN hours_viewed END DESC NULLS LAST,
         CASE WHEN $order = 'views' THEN views END DESC NULLS LAST,
         CASE WHEN $order = 'weeks' THEN weeks_in_top10 END DESC,
         CASE WHEN $order = 'best_rank' THEN best_rank END ASC,
         weeks_in_top10 DESC, best_rank, title_id
