-- Finished runs and the rows they loaded, per source and status: what /metrics reports.
SELECT source, status, count(*), coalesce(sum(rows_read), 0)::BIGINT, coalesce(sum(rows_inserted), 0)::BIGINT,
       coalesce(sum(rows_updated), 0)::BIGINT, coalesce(sum(rows_rejected), 0)::BIGINT
FROM ops.ingest_runs
GROUP BY source, status
ORDER BY source, status
