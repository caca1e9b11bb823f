-- What each link and each refusal rests on: kind, year against the first chart week, runtime,
-- seasons, or what conflicted. One line per piece of evidence, joined with "; ".
ALTER TABLE mart.title_matches ADD COLUMN evidence VARCHAR NOT NULL DEFAULT '';
ALTER TABLE mart.unmatched ADD COLUMN evidence VARCHAR NOT NULL DEFAULT '';
