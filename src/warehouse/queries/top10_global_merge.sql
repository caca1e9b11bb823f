-- Netflix republishes the whole history each week and revises some of it, so every (week, category)
-- list of the revision that differs from stage replaces stage's copy; lists it does not contain are kept.
CREATE OR REPLACE TEMP TABLE changed_lists AS
SELECT DISTINCT week, category FROM (
    SELECT * EXCLUDE (run_id) FROM load.top10_global
    EXCEPT
    SELECT * EXCLUDE (run_id) FROM stage.top10_global
);
DELETE FROM stage.top10_global s USING temp.changed_lists c
WHERE s.week = c.week AND s.category = c.category;
INSERT INTO stage.top10_global
SELECT i.* FROM load.top10_global i
WHERE EXISTS (SELECT 1 FROM temp.changed_lists c WHERE c.week = i.week AND c.category = i.category);
DROP TABLE temp.changed_lists;
DELETE FROM load.top10_global;
