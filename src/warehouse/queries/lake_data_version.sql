-- The data version the lake's latest snapshot holds; NULL before the first publish.
SELECT max(data_version) FROM lake.ops.warehouse_state
