-- Catalog genres on the global lists over a period: titles, title-weeks, hours, average rank, and the
-- views and likes of the genre's titles' videos published by the end of the period. A title counts
-- in each of its genres. Params: from, to.
WITH title_weeks AS (
    SELECT title_id, week, min(weekly_rank) AS rank, sum(weekly_hours_viewed) AS hours
    FROM mart.global_title_weeks
    WHERE week BETWEEN $from AND $to
    GROUP BY title_id, week
), by_genre AS (
    SELECT g.genre, count(DISTINCT w.title_id) AS titles, count(*) AS title_weeks,
           sum(w.hours)::BIGINT AS hours_viewed, avg(w.rank) AS average_rank
    FROM title_weeks w JOIN mart.title_genres g USING (title_id)
    GROUP BY g.genre
), videos AS (
    SELECT g.genre, count(*) AS youtube_videos, sum(v.view_count)::BIGINT AS youtube_views,
           sum(v.like_count)::BIGINT AS youtube_likes
    FROM (SELECT DISTINCT title_id FROM title_weeks) t
    JOIN mart.title_genres g USING (title_id)
    JOIN mart.videos v ON v.title_id = t.title_id AND v.published_at < $to::DATE + INTERVAL 1 DAY
    GROUP BY g.genre
)
SELECT b.genre, b.titles, b.title_weeks, b.hours_viewed, b.average_rank,
       coalesce(v.youtube_videos, 0), v.youtube_views, v.youtube_likes
FROM by_genre b LEFT JOIN videos v USING (genre)
ORDER BY b.title_weeks DESC, b.genre
