-- The first and last week the global and country lists hold together: the default period.
-- Precomputed by the facts' rebuild (mart.analytics_ranges, migration 0007).
SELECT min(first_week), max(last_week) FROM mart.analytics_ranges
