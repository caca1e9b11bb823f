-- Incoming rows new to stage, and rows whose values differ from stage: (inserted, updated).
SELECT count(*) FILTER (WHERE s.show_title IS NULL),
       count(*) FILTER (WHERE s.show_title IS NOT NULL AND
           row(i.show_title, i.season_title, i.hours_viewed_first_91_days, i.runtime, i.views_first_91_days,
               i.hours_viewed_first_28_days)
           IS DISTINCT FROM
           row(s.show_title, s.season_title, s.hours_viewed_first_91_days, s.runtime, s.views_first_91_days,
               s.hours_viewed_first_28_days))
FROM load.top10_most_popular i
LEFT JOIN stage.top10_most_popular s ON s.category = i.category AND s.rank = i.rank
