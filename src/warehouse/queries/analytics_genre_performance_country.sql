-- As analytics_genre_performance_global, for one country's lists (no hours). Params: country, from, to.
-- A genre's titles and title-weeks are summed from one row per title, so no DISTINCT is needed.
WITH title_weeks AS (
    SELECT title_id, week, min(weekly_rank) AS rank
    FROM mart.country_title_weeks
    WHERE country_iso2 = $country AND week BETWEEN $from AND $to
    GROUP BY title_id, week
), titles AS (
    SELECT title_id, count(*) AS weeks, sum(rank) AS ranks
    FROM title_weeks
    GROUP BY title_id
), by_genre AS (
    SELECT g.genre, count(*) AS titles, sum(t.weeks)::BIGINT AS title_weeks,
           NULL::BIGINT AS hours_viewed, sum(t.ranks) / sum(t.weeks) AS average_rank
    FROM titles t JOIN mart.title_genres g USING (title_id)
    GROUP BY g.genre
), videos AS (
    SELECT g.genre, count(*) AS youtube_videos, sum(v.view_count)::BIGINT AS youtube_views,
           sum(v.like_count)::BIGINT AS youtube_likes
    FROM titles t
    JOIN mart.title_genres g USING (title_id)
    JOIN mart.videos v ON v.title_id = t.title_id AND v.published_at < $to::DATE + INTERVAL 1 DAY
    GROUP BY g.genre
)
SELECT b.genre, b.titles, b.title_weeks, b.hours_viewed, b.average_rank,
       coalesce(v.youtube_videos, 0), v.youtube_views, v.youtube_likes
FROM by_genre b LEFT JOIN videos v USING (genre)
ORDER BY b.title_weeks DESC, b.genre
