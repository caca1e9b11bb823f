-- After a publish: snapshots older than an hour are expired and their files removed, so the store
-- does not grow with every refresh. An hour is far longer than any read transaction lives.
CALL ducklake_expire_snapshots('lake', older_than => now() - INTERVAL 1 HOUR);
CALL ducklake_cleanup_old_files('lake', older_than => now() - INTERVAL 1 HOUR);
