-- Params: show_id.
SELECT role, name FROM stage.catalog_show_people WHERE show_id = $show_id ORDER BY role, ordinal
