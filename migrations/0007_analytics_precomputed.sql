-- What the analytics reads used to compute per request, computed once per refresh instead (reads
-- are many, refreshes rare):
-- - each Top 10 fact row carries its title's name (and, for countries, kind), and each video its
--   title's name, so reads need no join to mart.titles;
-- - whether the row is its title's first of the week on any list of the region (first_of_week) and
--   on its own list (first_of_list_week), so weeks are counted without count(DISTINCT week);
-- - its list as one bit, so a title's lists are OR-ed instead of string_agg(DISTINCT ...);
--   mart.category_sets turns OR-ed bits back into the list names;
-- - mart.analytics_ranges holds the default periods (the weeks of the facts, the days of the
--   videos) in one row, so a request resolves them without scanning the facts;
-- - an index on mart.titles makes a title's lookup by id a point read.
--
-- analytics_marts_rebuild.sql fills them with every refresh; the statements after the ALTERs
-- rebuild the facts a warehouse already holds the same way, from stage and the title identity.

ALTER TABLE mart.global_title_weeks ADD COLUMN name VARCHAR;
ALTER TABLE mart.global_title_weeks ADD COLUMN first_of_week BOOLEAN;
ALTER TABLE mart.global_title_weeks ADD COLUMN first_of_list_week BOOLEAN;
ALTER TABLE mart.global_title_weeks ADD COLUMN category_bit INTEGER;

ALTER TABLE mart.country_title_weeks ADD COLUMN name VARCHAR;
ALTER TABLE mart.country_title_weeks ADD COLUMN kind VARCHAR;
ALTER TABLE mart.country_title_weeks ADD COLUMN first_of_week BOOLEAN;
ALTER TABLE mart.country_title_weeks ADD COLUMN first_of_list_week BOOLEAN;
ALTER TABLE mart.country_title_weeks ADD COLUMN category_bit INTEGER;

ALTER TABLE mart.videos ADD COLUMN title_name VARCHAR;

-- list: `global` or `countries`; mask: a non-empty set of that list's category bits; categories:
-- their names in order, comma-separated, as the endpoints show them.
CREATE TABLE mart.category_sets (
    list        VARCHAR NOT NULL,
    mask        INTEGER NOT NULL,
    categories  VARCHAR NOT NULL
);

-- first_week, last_week: the first and last week of the global and country facts together;
-- first_video_day, last_video_day: of the videos' publication. NULL when there are none.
CREATE TABLE mart.analytics_ranges (
    first_week       DATE,
    last_week        DATE,
    first_video_day  DATE,
    last_video_day   DATE
);

CREATE INDEX titles_title_id ON mart.titles (title_id);

DELETE FROM mart.global_title_weeks;
INSERT INTO mart.global_title_weeks
SELECT g.week, g.category, g.weekly_rank, m.title_id, g.show_title, g.season_title, m.kind,
       g.weekly_hours_viewed, g.weekly_views, g.cumulative_weeks_in_top_10, t.name,
       row_number() OVER (PARTITION BY m.title_id, g.week ORDER BY g.category, g.weekly_rank) = 1,
       row_number() OVER (PARTITION BY m.title_id, g.week, g.category ORDER BY g.weekly_rank) = 1,
       (1 << (dense_rank() OVER (ORDER BY g.category) - 1))::INTEGER
FROM stage.top10_global g
JOIN mart.top10_title_map m
  ON m.show_title = g.show_title AND m.kind = CASE WHEN g.category LIKE 'Films%' THEN 'film' ELSE 'series' END
LEFT JOIN mart.titles t ON t.title_id = m.title_id
ORDER BY g.week, g.category, g.weekly_rank;

DELETE FROM mart.country_title_weeks;
INSERT INTO mart.country_title_weeks
SELECT c.country_iso2, c.week, c.category, c.weekly_rank, m.title_id, c.show_title, c.season_title,
       c.cumulative_weeks_in_top_10, t.name, t.kind,
       row_number() OVER (PARTITION BY c.country_iso2, m.title_id, c.week ORDER BY c.category, c.weekly_rank) = 1,
       row_number() OVER (PARTITION BY c.country_iso2, m.title_id, c.week, c.category ORDER BY c.weekly_rank) = 1,
       (1 << (dense_rank() OVER (ORDER BY c.category) - 1))::INTEGER
FROM stage.top10_countries c
JOIN mart.top10_title_map m
  ON m.show_title = c.show_title AND m.kind = CASE WHEN c.category = 'Films' THEN 'film' ELSE 'series' END
LEFT JOIN mart.titles t ON t.title_id = m.title_id
ORDER BY c.country_iso2, c.week, c.category, c.weekly_rank;

UPDATE mart.videos SET title_name = t.name FROM mart.titles t WHERE t.title_id = mart.videos.title_id;

INSERT INTO mart.category_sets
WITH bits AS (
    SELECT DISTINCT 'global' AS list, category, category_bit FROM mart.global_title_weeks
    UNION ALL
    SELECT DISTINCT 'countries', category, category_bit FROM mart.country_title_weeks
), masks AS (
    SELECT list, unnest(range(1, 1 << count(*))) AS mask FROM bits GROUP BY list
)
SELECT m.list, m.mask, string_agg(b.category, ', ' ORDER BY b.category)
FROM masks m JOIN bits b ON b.list = m.list AND m.mask & b.category_bit <> 0
GROUP BY m.list, m.mask;

INSERT INTO mart.analytics_ranges
WITH weeks AS (
    SELECT min(week) AS week FROM mart.global_title_weeks
    UNION ALL SELECT max(week) FROM mart.global_title_weeks
    UNION ALL SELECT min(week) FROM mart.country_title_weeks
    UNION ALL SELECT max(week) FROM mart.country_title_weeks
)
SELECT (SELECT min(week) FROM weeks), (SELECT max(week) FROM weeks),
       (SELECT min(published_at)::DATE FROM mart.videos), (SELECT max(published_at)::DATE FROM mart.videos);
