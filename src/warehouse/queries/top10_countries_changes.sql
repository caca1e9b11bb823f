-- Incoming rows new to stage, and rows whose values differ from stage: (inserted, updated).
SELECT count(*) FILTER (WHERE s.show_title IS NULL),
       count(*) FILTER (WHERE s.show_title IS NOT NULL AND
           row(i.country_name, i.show_title, i.season_title, i.cumulative_weeks_in_top_10)
           IS DISTINCT FROM
           row(s.country_name, s.show_title, s.season_title, s.cumulative_weeks_in_top_10))
FROM load.top10_countries i
LEFT JOIN stage.top10_countries s
       ON s.country_iso2 = i.country_iso2 AND s.week = i.week AND s.category = i.category
      AND s.weekly_rank = i.weekly_rank
