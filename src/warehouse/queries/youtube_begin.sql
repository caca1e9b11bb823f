-- Before loading a YouTube crawl: raw keeps only the latest crawl; the load tables start empty.
DELETE FROM raw.youtube_responses;
DELETE FROM load.youtube_videos;
DELETE FROM load.youtube_video_stats;
DELETE FROM load.youtube_comments;
