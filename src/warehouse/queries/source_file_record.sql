-- Params: source, file, sha256, bytes, url, run_id, loaded_at.
INSERT OR REPLACE INTO ops.source_files (source, file, sha256, bytes, url, run_id, loaded_at)
VALUES ($source, $file, $sha256, $bytes, $url, $run_id, $loaded_at)
