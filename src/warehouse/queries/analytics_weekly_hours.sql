-- Global hours and views per week for chosen titles (all seasons and categories together).
-- Params: title_ids (comma-separated: the duckdb crate binds no list), from, to. The facts carry
-- the title's name (migration 0007).
SELECT g.week, g.title_id, g.name, sum(g.weekly_hours_viewed)::BIGINT AS hours_viewed,
       sum(g.weekly_views)::BIGINT AS views, min(g.weekly_rank) AS best_rank
FROM mart.global_title_weeks g
WHERE list_contains(CAST(string_split($title_ids, ',') AS BIGINT[]), g.title_id) AND g.week BETWEEN $from AND $to
GROUP BY g.week, g.title_id, g.name
ORDER BY g.week, g.title_id
