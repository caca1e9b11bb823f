-- Every title's name and kind, to label similar titles. No parameters.
SELECT title_id, name, kind FROM mart.titles ORDER BY title_id
