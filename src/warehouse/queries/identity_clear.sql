-- The identity marts are rebuilt whole.
DELETE FROM mart.titles;
DELETE FROM mart.title_matches;
DELETE FROM mart.unmatched;
DELETE FROM mart.top10_title_map;
