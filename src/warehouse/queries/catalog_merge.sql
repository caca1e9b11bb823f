-- Upsert by show id. A show keeps the time it was first seen; shows this crawl did not return stay.
UPDATE load.catalog_shows SET first_seen_at = s.first_seen_at
FROM stage.catalog_shows s
WHERE s.show_id = load.catalog_shows.show_id;
DELETE FROM stage.catalog_show_genres WHERE show_id IN (SELECT show_id FROM load.catalog_shows);
DELETE FROM stage.catalog_show_people WHERE show_id IN (SELECT show_id FROM load.catalog_shows);
DELETE FROM stage.catalog_shows WHERE show_id IN (SELECT show_id FROM load.catalog_shows);
INSERT INTO stage.catalog_shows SELECT * FROM load.catalog_shows;
INSERT INTO stage.catalog_show_genres SELECT * FROM load.catalog_show_genres;
INSERT INTO stage.catalog_show_people SELECT * FROM load.catalog_show_people;
DELETE FROM load.catalog_shows;
DELETE FROM load.catalog_show_genres;
DELETE FROM load.catalog_show_people;
