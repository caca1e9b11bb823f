-- Every (country, week, category) list of the revision that differs from stage replaces stage's copy;
-- lists the revision does not contain are kept.
CREATE OR REPLACE TEMP TABLE changed_lists AS
SELECT DISTINCT country_iso2, week, category FROM (
    SELECT * EXCLUDE (run_id) FROM load.top10_countries
    EXCEPT
    SELECT * EXCLUDE (run_id) FROM stage.top10_countries
);
DELETE FROM stage.top10_countries s USING temp.changed_lists c
WHERE s.country_iso2 = c.country_iso2 AND s.week = c.week AND s.category = c.category;
INSERT INTO stage.top10_countries
SELECT i.* FROM load.top10_countries i
WHERE EXISTS (
    SELECT 1 FROM temp.changed_lists c
    WHERE c.country_iso2 = i.country_iso2 AND c.week = i.week AND c.category = i.category
);
DROP TABLE temp.changed_lists;
DELETE FROM load.top10_countries;
