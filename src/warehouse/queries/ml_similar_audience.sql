-- The country lists each title was on, week by week, for audience similarity. No parameters.
SELECT DISTINCT m.title_id, c.country_iso2, c.week
FROM mart.top10_countries c
JOIN mart.top10_title_map m
  ON m.show_title = c.show_title AND m.kind = CASE WHEN c.category = 'Films' THEN 'film' ELSE 'series' END
ORDER BY m.title_id, c.week, c.country_iso2
