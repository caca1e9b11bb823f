-- A country's first and last week, and whether it has a given week. Params: country, week.
SELECT min(week), max(week), coalesce(bool_or(week = $week::DATE), false)
FROM mart.top10_countries
WHERE country_iso2 = $country
