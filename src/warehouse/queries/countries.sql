-- Every country with Top 10 data.
SELECT country_iso2, country_name, first_week, last_week, weeks
FROM mart.countries
ORDER BY country_iso2
