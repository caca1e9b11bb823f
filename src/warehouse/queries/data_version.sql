SELECT data_version FROM ops.warehouse_state
