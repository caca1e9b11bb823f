-- Params: category_id.
DELETE FROM stage.youtube_categories WHERE category_id = $category_id
