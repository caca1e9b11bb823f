-- Rebuilt from stage inside the refresh transaction, so readers see the old marts or the new ones,
-- never a mix. Rows are written in the order the endpoints filter by, which keeps DuckDB's zone maps
-- selective.
DELETE FROM mart.top10_global;
INSERT INTO mart.top10_global
SELECT week, category, weekly_rank, show_title, season_title, weekly_hours_viewed, runtime, weekly_views,
       cumulative_weeks_in_top_10
FROM stage.top10_global
ORDER BY week, category, weekly_rank;

DELETE FROM mart.top10_countries;
INSERT INTO mart.top10_countries
SELECT country_name, country_iso2, week, category, weekly_rank, show_title, season_title,
       cumulative_weeks_in_top_10
FROM stage.top10_countries
ORDER BY country_iso2, week, category, weekly_rank;

DELETE FROM mart.top10_most_popular;
INSERT INTO mart.top10_most_popular
SELECT category, rank, show_title, season_title, hours_viewed_first_91_days, runtime, views_first_91_days,
       hours_viewed_first_28_days
FROM stage.top10_most_popular
ORDER BY category, rank;

DELETE FROM mart.weeks;
INSERT INTO mart.weeks
SELECT coalesce(g.week, c.week), coalesce(g.lists, 0), coalesce(c.lists, 0), coalesce(c.countries, 0)
FROM (SELECT week, count(DISTINCT category) AS lists FROM stage.top10_global GROUP BY week) g
FULL OUTER JOIN (
    SELECT week, count(DISTINCT country_iso2 || ' ' || category) AS lists, count(DISTINCT country_iso2) AS countries
    FROM stage.top10_countries GROUP BY week
) c ON g.week = c.week;

-- A country's name as of its latest week: names are English and stable, but a revision could fix one.
DELETE FROM mart.countries;
INSERT INTO mart.countries
SELECT country_iso2, arg_max(country_name, week), min(week), max(week), count(DISTINCT week)
FROM stage.top10_countries
GROUP BY country_iso2;
