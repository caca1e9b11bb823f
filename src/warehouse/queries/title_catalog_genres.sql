-- Params: show_id.
SELECT genre_name FROM stage.catalog_show_genres WHERE show_id = $show_id ORDER BY genre_name
