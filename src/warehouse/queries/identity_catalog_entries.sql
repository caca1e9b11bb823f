-- Catalog shows as identity targets: id, type, title, original title, year.
SELECT show_id, show_type, title, original_title, coalesce(release_year, first_air_year)
FROM stage.catalog_shows
ORDER BY show_id
