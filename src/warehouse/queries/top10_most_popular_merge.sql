-- The all-time lists have no week: each category's list in the revision replaces stage's when it differs.
CREATE OR REPLACE TEMP TABLE changed_lists AS
SELECT DISTINCT category FROM (
    SELECT * EXCLUDE (run_id) FROM load.top10_most_popular
    EXCEPT
    SELECT * EXCLUDE (run_id) FROM stage.top10_most_popular
);
DELETE FROM stage.top10_most_popular s USING temp.changed_lists c WHERE s.category = c.category;
INSERT INTO stage.top10_most_popular
SELECT i.* FROM load.top10_most_popular i
WHERE EXISTS (SELECT 1 FROM temp.changed_lists c WHERE c.category = i.category);
DROP TABLE temp.changed_lists;
DELETE FROM load.top10_most_popular;
