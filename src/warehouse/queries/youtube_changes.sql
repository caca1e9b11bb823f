-- Crawled videos new to stage, and videos whose metadata changed: (inserted, updated).
SELECT count(*) FILTER (WHERE s.video_id IS NULL),
       count(*) FILTER (WHERE s.video_id IS NOT NULL AND s.content_hash <> l.content_hash)
FROM load.youtube_videos l
LEFT JOIN stage.youtube_videos s ON s.video_id = l.video_id
