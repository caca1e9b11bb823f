-- The catalog show behind a title. Params: show_id.
SELECT show_id, show_type, imdb_id, tmdb_id, title, original_title, overview, release_year, first_air_year,
       last_air_year, rating, runtime, season_count, episode_count, country, last_seen_at
FROM stage.catalog_shows
WHERE show_id = $show_id
