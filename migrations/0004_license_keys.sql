-- License keys (src/auth/license_key.h): the desktop client's sync credential. A session
-- started by a sign-up or a sign-in gets one key; only the hex SHA-256 of the key is kept,
-- and the key is usable exactly while its session is. NULL for other sessions (those of
-- before this migration); a unique index allows many NULLs.
ALTER TABLE sessions ADD COLUMN license_key_hash TEXT;
CREATE UNIQUE INDEX idx_sessions_license_key_hash ON sessions (license_key_hash);
