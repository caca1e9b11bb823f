SELECT key, title_id FROM stage.title_registry
