-- Before loading a catalog crawl: the load tables start empty.
DELETE FROM load.catalog_shows;
DELETE FROM load.catalog_show_genres;
DELETE FROM load.catalog_show_people;
