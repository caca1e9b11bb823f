-- Videos as identity queries: id, title, publication time.
SELECT video_id, title, published_at FROM stage.youtube_videos ORDER BY video_id
