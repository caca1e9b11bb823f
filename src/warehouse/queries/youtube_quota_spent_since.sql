-- Quota units YouTube runs spent since a moment (the start of today, Pacific time). Params: since.
SELECT coalesce(sum(quota_units), 0)::BIGINT FROM ops.ingest_runs WHERE source = 'youtube' AND requested_at >= $since
