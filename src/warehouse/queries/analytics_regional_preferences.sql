-- Per country over a period: titles on its lists, those on no other country's list, and those the
-- global lists share. Params: from, to.
WITH country_titles AS (
    SELECT DISTINCT country_iso2, title_id FROM mart.country_title_weeks WHERE week BETWEEN $from AND $to
), spread AS (
    SELECT title_id, count(*) AS countries FROM country_titles GROUP BY title_id
), global_titles AS (
    SELECT DISTINCT title_id FROM mart.global_title_weeks WHERE week BETWEEN $from AND $to
)
SELECT c.country_iso2, n.country_name,
       count(*) AS titles,
       count(*) FILTER (WHERE s.countries = 1) AS unique_titles,
       count(*) FILTER (WHERE g.title_id IS NOT NULL) AS shared_with_global,
       round(count(*) FILTER (WHERE g.title_id IS NOT NULL) / count(*), 4) AS global_share
FROM country_titles c
JOIN spread s USING (title_id)
LEFT JOIN global_titles g USING (title_id)
JOIN mart.countries n USING (country_iso2)
GROUP BY c.country_iso2, n.country_name
ORDER BY c.country_iso2
