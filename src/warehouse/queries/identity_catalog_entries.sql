-- Catalog shows as identity targets: id, type, title, original title, year, runtime (minutes,
-- films), season count (series).
SELECT show_id, show_type, title, original_title, coalesce(release_year, first_air_year), runtime, season_count
FROM stage.catalog_shows
ORDER BY show_id
