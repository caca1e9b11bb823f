-- Params: channel_id, captured_on.
DELETE FROM stage.youtube_channel_stats WHERE channel_id = $channel_id AND captured_on = $captured_on
