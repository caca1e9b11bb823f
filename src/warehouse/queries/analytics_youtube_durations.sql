-- Videos published in a period by length, in buckets of a number of minutes; videos with no length
-- yet (live, upcoming) are left out. Params: bucket_minutes, from, to.
SELECT (floor(duration_seconds / (60 * $bucket_minutes)) * $bucket_minutes)::BIGINT AS bucket_start_minutes,
       count(*) AS videos,
       sum(view_count)::BIGINT AS views,
       avg(view_count) AS average_views
FROM mart.videos
WHERE duration_seconds IS NOT NULL AND published_at >= $from::DATE AND published_at < $to::DATE + INTERVAL 1 DAY
GROUP BY 1
ORDER BY 1
