-- What each link and each refusal rests on: kind, year against the first chart week, runtime,
-- seasons, or what conflicted. One line per piece of evidence, joined with "; ".
-- DuckDB 1.5 adds a column with a default but no constraint in one statement; NOT NULL follows.
ALTER TABLE mart.title_matches ADD COLUMN evidence VARCHAR DEFAULT '';
ALTER TABLE mart.title_matches ALTER COLUMN evidence SET NOT NULL;
ALTER TABLE mart.unmatched ADD COLUMN evidence VARCHAR DEFAULT '';
ALTER TABLE mart.unmatched ALTER COLUMN evidence SET NOT NULL;
