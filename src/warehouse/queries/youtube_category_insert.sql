-- Params: category_id, title.
INSERT INTO stage.youtube_categories VALUES ($category_id, $title)
