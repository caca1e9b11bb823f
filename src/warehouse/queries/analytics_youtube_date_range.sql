-- The first and last publication day of the videos: the YouTube endpoints' default period.
SELECT min(published_at)::DATE, max(published_at)::DATE FROM mart.videos
