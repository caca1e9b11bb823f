-- Writes everything into the database file, leaving no write-ahead log.
CHECKPOINT;
