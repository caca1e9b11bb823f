-- The SHA-256 of the file last loaded. Params: source, file.
SELECT sha256 FROM ops.source_files WHERE source = $source AND file = $file
