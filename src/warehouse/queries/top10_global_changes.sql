-- Incoming rows new to stage, and rows whose values differ from stage: (inserted, updated).
SELECT count(*) FILTER (WHERE s.show_title IS NULL),
       count(*) FILTER (WHERE s.show_title IS NOT NULL AND
           row(i.show_title, i.season_title, i.weekly_hours_viewed, i.runtime, i.weekly_views,
               i.cumulative_weeks_in_top_10, i.is_staggered_launch, i.episode_launch_details, i.runtime_override_flag)
           IS DISTINCT FROM
           row(s.show_title, s.season_title, s.weekly_hours_viewed, s.runtime, s.weekly_views,
               s.cumulative_weeks_in_top_10, s.is_staggered_launch, s.episode_launch_details, s.runtime_override_flag))
FROM load.top10_global i
LEFT JOIN stage.top10_global s
       ON s.week = i.week AND s.category = i.category AND s.weekly_rank = i.weekly_rank
