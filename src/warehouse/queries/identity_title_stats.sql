-- Each title's Top 10 span and global weeks, and its video count, from the maps just written.
UPDATE mart.titles SET top10_first_week = s.first_week, top10_last_week = s.last_week, top10_global_weeks = s.weeks
FROM (
    SELECT m.title_id, min(w.week) AS first_week, max(w.week) AS last_week,
           count(DISTINCT w.week) FILTER (WHERE w.global) AS weeks
    FROM mart.top10_title_map m
    JOIN (
        SELECT show_title, category, week, true AS global FROM stage.top10_global
        UNION ALL
        SELECT show_title, category, week, false AS global FROM stage.top10_countries
    ) w ON w.show_title = m.show_title
       AND (CASE WHEN w.category LIKE 'Films%' THEN 'film' ELSE 'series' END) = m.kind
    GROUP BY m.title_id
) s
WHERE mart.titles.title_id = s.title_id;
UPDATE mart.titles SET youtube_videos = v.videos
FROM (SELECT title_id, count(*) AS videos FROM mart.title_matches WHERE source = 'youtube' GROUP BY title_id) v
WHERE mart.titles.title_id = v.title_id;
