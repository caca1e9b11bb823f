-- The first and last publication day of the videos: the YouTube endpoints' default period.
-- Precomputed by the facts' rebuild (mart.analytics_ranges, migration 0007).
SELECT min(first_video_day), max(last_video_day) FROM mart.analytics_ranges
