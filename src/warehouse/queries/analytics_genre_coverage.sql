-- How many title-weeks of the period have a catalog genre, out of all. Params: country (NULL =
-- global), from, to.
-- A title-week is its title's first row of the week (migration 0007).
WITH title_weeks AS (
    SELECT title_id FROM mart.global_title_weeks
    WHERE $country::VARCHAR IS NULL AND week BETWEEN $from AND $to AND first_of_week
    UNION ALL
    SELECT title_id FROM mart.country_title_weeks
    WHERE country_iso2 = $country AND week BETWEEN $from AND $to AND first_of_week
)
SELECT count(*) FILTER (WHERE title_id IN (SELECT title_id FROM mart.title_genres)), count(*)
FROM title_weeks
