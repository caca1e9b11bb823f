-- Titles by the engagement of their YouTube videos published in a period. engagement_rate is
-- (likes + comments) / views over the videos that show all three. Params: from, to, metric (views |
-- likes | comments | engagement_rate), limit, offset. The last column is the count before paging.
-- Videos carry their title's name (migration 0007); those without a title are not counted.
SELECT v.title_id, any_value(v.title_name) AS name, count(*) AS videos,
       sum(v.view_count)::BIGINT AS views,
       sum(v.like_count)::BIGINT AS likes,
       sum(v.comment_count)::BIGINT AS comments,
       (sum(v.like_count + v.comment_count) / nullif(sum(v.view_count) FILTER (WHERE v.like_count IS NOT NULL AND v.comment_count IS NOT NULL), 0))::DOUBLE AS engagement_rate,
       count(*) OVER () AS total
FROM mart.videos v
WHERE v.title_id IS NOT NULL AND v.published_at >= $from::DATE AND v.published_at < $to::DATE + INTERVAL 1 DAY
GROUP BY v.title_id
ORDER BY CASE WHEN $metric = 'views' THEN views END DESC NULLS LAST,
         CASE WHEN $metric = 'likes' THEN likes END DESC NULLS LAST,
         CASE WHEN $metric = 'comments' THEN comments END DESC NULLS LAST,
         CASE WHEN $metric = 'engagement_rate' THEN engagement_rate END DESC NULLS LAST,
         v.title_id
LIMIT $limit OFFSET $offset
