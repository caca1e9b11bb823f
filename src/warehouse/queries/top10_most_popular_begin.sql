-- Before loading a revision of most-popular.tsv; see top10_global_begin.sql.
DELETE FROM raw.top10_most_popular;
DELETE FROM load.top10_most_popular;
