-- Videos are upserted by id and keep when they were first seen. A day's statistics snapshot replaces
-- an earlier one of the same day; other days are kept, so growth can be followed. A video's comments
-- are replaced by its latest crawl.
UPDATE load.youtube_videos SET first_seen_at = s.first_seen_at
FROM stage.youtube_videos s
WHERE s.video_id = load.youtube_videos.video_id;
DELETE FROM stage.youtube_videos WHERE video_id IN (SELECT video_id FROM load.youtube_videos);
INSERT INTO stage.youtube_videos SELECT * FROM load.youtube_videos;
DELETE FROM stage.youtube_video_stats s
WHERE EXISTS (SELECT 1 FROM load.youtube_video_stats l WHERE l.video_id = s.video_id AND l.captured_on = s.captured_on);
INSERT INTO stage.youtube_video_stats SELECT * FROM load.youtube_video_stats;
DELETE FROM stage.youtube_comments WHERE video_id IN (SELECT DISTINCT video_id FROM load.youtube_comments);
INSERT INTO stage.youtube_comments SELECT * FROM load.youtube_comments;
DELETE FROM load.youtube_videos;
DELETE FROM load.youtube_video_stats;
DELETE FROM load.youtube_comments;
