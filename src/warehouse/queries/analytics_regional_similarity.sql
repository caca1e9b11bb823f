-- Every ordered pair of countries with lists in a period, and the Jaccard overlap of their title sets:
-- shared titles / titles on either. Params: from, to, limit, offset. The last column is the number
-- of pairs before paging.
WITH country_titles AS (
    SELECT DISTINCT country_iso2, title_id FROM mart.country_title_weeks WHERE week BETWEEN $from AND $to
), sizes AS (
    SELECT country_iso2, count(*) AS titles FROM country_titles GROUP BY country_iso2
), shared AS (
    SELECT a.country_iso2 AS country_a, b.country_iso2 AS country_b, count(*) AS titles
    FROM country_titles a JOIN country_titles b ON a.title_id = b.title_id AND a.country_iso2 <> b.country_iso2
    GROUP BY a.country_iso2, b.country_iso2
)
SELECT a.country_iso2 AS country_a, b.country_iso2 AS country_b,
       coalesce(s.titles, 0) AS shared_titles,
       round(coalesce(s.titles, 0) / (a.titles + b.titles - coalesce(s.titles, 0)), 4) AS jaccard,
       count(*) OVER () AS total
FROM sizes a
JOIN sizes b ON a.country_iso2 <> b.country_iso2
LEFT JOIN shared s ON s.country_a = a.country_iso2 AND s.country_b = b.country_iso2
ORDER BY country_a, country_b
LIMIT $limit OFFSET $offset
