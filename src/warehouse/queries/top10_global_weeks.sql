-- Every week the global list has, oldest first: what `week=` may name, and `latest`.
SELECT DISTINCT week FROM mart.top10_global ORDER BY week
