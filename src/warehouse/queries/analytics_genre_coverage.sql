-- How many title-weeks of the period have a catalog genre, out of all. Params: country (NULL =
-- global), from, to.
WITH title_weeks AS (
    SELECT DISTINCT title_id, week FROM mart.global_title_weeks
    WHERE $country::VARCHAR IS NULL AND week BETWEEN $from AND $to
    UNION ALL
    SELECT DISTINCT title_id, week FROM mart.country_title_weeks
    WHERE country_iso2 = $country AND week BETWEEN $from AND $to
)
SELECT count(*) FILTER (WHERE title_id IN (SELECT title_id FROM mart.title_genres)), count(*)
FROM title_weeks
