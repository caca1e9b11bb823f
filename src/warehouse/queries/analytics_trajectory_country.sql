-- A title's weekly ranks in one country. Params: title_id, country, from, to.
SELECT week, category, season_title, weekly_rank, NULL::BIGINT, NULL::BIGINT, cumulative_weeks_in_top_10
FROM mart.country_title_weeks
WHERE title_id = $title_id AND country_iso2 = $country AND week BETWEEN $from AND $to
ORDER BY week, category, weekly_rank
