"""What every feature stands on: the database engine, the audit recording, stored uploads, stale edits, backups."""
