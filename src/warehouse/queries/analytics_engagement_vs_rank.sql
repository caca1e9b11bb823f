-- Titles on the global lists in a period that have YouTube videos, with the engagement of the videos
-- that count: published before the end of the title's last Top 10 week in the period (promotion
-- before or during the run). Statistics are each video's latest snapshot. Params: from, to,
-- category (NULL = all). Names and week counts come from the facts' precomputed columns (migration
-- 0007).
WITH performance AS (
    SELECT title_id, any_value(name) AS name,
           count(*) FILTER (WHERE CASE WHEN $category::VARCHAR IS NULL THEN first_of_week ELSE first_of_list_week END)
               AS weeks_in_top10,
           min(weekly_rank) AS best_rank,
           sum(weekly_hours_viewed)::BIGINT AS hours_viewed,
           sum(weekly_views)::BIGINT AS views,
           min(week) AS first_week,
           max(week) AS last_week
    FROM mart.global_title_weeks
    WHERE week BETWEEN $from AND $to AND ($category::VARCHAR IS NULL OR category = $category)
    GROUP BY title_id
), engagement AS (
    SELECT p.title_id,
           count(*) AS videos,
           sum(v.view_count)::BIGINT AS youtube_views,
           sum(v.like_count)::BIGINT AS youtube_likes,
           sum(v.comment_count)::BIGINT AS youtube_comments
    FROM performance p
    JOIN mart.videos v ON v.title_id = p.title_id
    WHERE v.published_at < p.last_week + INTERVAL 1 DAY
    GROUP BY p.title_id
)
SELECT p.title_id, p.name, e.videos, e.youtube_views, e.youtube_likes, e.youtube_comments,
       p.best_rank, p.weeks_in_top10, p.hours_viewed, p.views, p.first_week, p.last_week
FROM performance p
JOIN engagement e USING (title_id)
ORDER BY e.youtube_views DESC NULLS LAST, p.title_id
