-- Title ids for a normalised name, most charted first. Params: name.
SELECT title_id FROM mart.titles WHERE normalized_name = $name ORDER BY top10_global_weeks DESC, title_id
