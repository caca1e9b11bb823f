-- Before loading a revision of all-weeks-countries.tsv; see top10_global_begin.sql.
DELETE FROM raw.top10_countries;
DELETE FROM load.top10_countries;
