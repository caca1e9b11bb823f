-- The channel's counts for the day; a later crawl the same day replaces them. Params: channel_id,
-- captured_on, captured_at, title, view_count, subscriber_count, video_count, run_id.
INSERT INTO stage.youtube_channel_stats
SELECT $channel_id, $captured_on, $captured_at, $title, $view_count, $subscriber_count, $video_count, $run_id
