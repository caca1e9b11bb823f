-- The title's YouTube videos with their latest statistics, newest first. Params: title_id.
SELECT v.video_id, v.title, v.published_at, v.duration_seconds, c.title AS category,
       s.view_count, s.like_count, s.comment_count, s.captured_on
FROM mart.title_matches m
JOIN stage.youtube_videos v ON v.video_id = m.source_key
LEFT JOIN stage.youtube_categories c ON c.category_id = v.category_id
LEFT JOIN (
    SELECT * FROM stage.youtube_video_stats QUALIFY row_number() OVER (PARTITION BY video_id ORDER BY captured_on DESC) = 1
) s ON s.video_id = v.video_id
WHERE m.title_id = $title_id AND m.source = 'youtube'
ORDER BY v.published_at DESC, v.video_id
