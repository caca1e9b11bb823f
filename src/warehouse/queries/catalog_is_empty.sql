-- Whether no catalog show was ever loaded: the first catalog run then backfills.
SELECT count(*) = 0 FROM stage.catalog_shows
