-- 0001_initial: the full schema of the first release.
--
-- Rules for every migration (both backends run these files, see DESIGN.md section 4):
-- timestamps are INTEGER milliseconds since the epoch (UTC); ids are TEXT (UUIDv7
-- strings); every user-owned table is keyed by user_id first; booleans are INTEGER 0/1;
-- only SQL that SQLite 3.40 and tursodb share: no triggers, no recursive CTEs, no FTS,
-- no STRICT tables, no AUTOINCREMENT. One statement per `;`. Never edit an applied
-- migration: add a new file.

-- Accounts. username keeps the user's spelling; username_key is its lower-cased form
-- and carries the case-insensitive uniqueness. email is stored lower-cased, unique.
-- password_hash is an Argon2id string; role is 'user' or 'admin'.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'user',
  tier TEXT NOT NULL DEFAULT 'free',
  email_verified INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_login_at INTEGER
);

-- One row per signed-in device. The refresh token itself is never stored: refresh_salt
-- and refresh_counter identify its current generation, and a rotation is one
-- conditional update of refresh_counter. A session is usable while revoked_at is NULL
-- and expires_at lies ahead; revoked rows stay until cleanup so that reuse is detected.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  refresh_counter INTEGER NOT NULL DEFAULT 0,
  refresh_salt TEXT NOT NULL,
  rotated_at INTEGER,
  device_name TEXT NOT NULL DEFAULT '',
  ip_address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_reason TEXT
);
CREATE INDEX idx_sessions_user_id ON sessions (user_id);
CREATE INDEX idx_sessions_expires_at ON sessions (expires_at);

-- Every login attempt, successful or not, for throttling and audit. account_key is the
-- lower-cased username or email as typed (it need not name an existing user).
CREATE TABLE login_attempts (
  id TEXT PRIMARY KEY,
  account_key TEXT NOT NULL,
  ip_address TEXT NOT NULL,
  success INTEGER NOT NULL,
  attempted_at INTEGER NOT NULL
);
CREATE INDEX idx_login_attempts_account ON login_attempts (account_key, attempted_at);
CREATE INDEX idx_login_attempts_attempted_at ON login_attempts (attempted_at);

-- Per-account lockout state: failures counted since window_started_at; while
-- locked_until lies ahead the account is locked; lock_count grows the next lock.
-- Updated with one UPSERT per failure.
CREATE TABLE account_lockouts (
  account_key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_started_at INTEGER NOT NULL,
  locked_until INTEGER,
  lock_count INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

-- Email verification tokens, stored only as the hex SHA-256 of the token. Single use:
-- consuming one is a conditional update setting used_at where it is NULL.
CREATE TABLE email_verification_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX idx_email_verification_tokens_user_id ON email_verification_tokens (user_id);

-- Password reset tokens: same rules as email_verification_tokens.
CREATE TABLE password_reset_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX idx_password_reset_tokens_user_id ON password_reset_tokens (user_id);

-- Append-only audit trail of security events (login, login_failed, logout, refresh,
-- reuse_detected, ...), pruned by created_at. No foreign keys: events outlive their user
-- and session, and user_id is NULL when the account is unknown.
CREATE TABLE auth_events (
  id TEXT PRIMARY KEY,
  user_id TEXT,
  session_id TEXT,
  event TEXT NOT NULL,
  ip_address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX idx_auth_events_user ON auth_events (user_id, created_at);
CREATE INDEX idx_auth_events_created_at ON auth_events (created_at);

-- Per-user server sequence: every accepted sync write takes last_seq + 1 (one
-- conditional UPSERT ... RETURNING), so download cursors are strictly increasing.
CREATE TABLE sync_state (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  last_seq INTEGER NOT NULL DEFAULT 0
);

-- Synced items of every type (connection, saved_query, query_history) in one table.
-- data is the sanitized JSON object; sync_version starts at 1 and grows by one per
-- accepted write; seq is the user's sequence number of the last write (unique per
-- user: the download cursor). Deletes are tombstones (deleted = 1, deleted_at set)
-- kept until the retention horizon.
CREATE TABLE sync_items (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  item_type TEXT NOT NULL,
  item_id TEXT NOT NULL,
  data TEXT NOT NULL,
  sync_version INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER,
  PRIMARY KEY (user_id, item_type, item_id)
);
CREATE UNIQUE INDEX idx_sync_items_user_seq ON sync_items (user_id, seq);
CREATE INDEX idx_sync_items_user_updated_at ON sync_items (user_id, updated_at);
CREATE INDEX idx_sync_items_tombstones ON sync_items (deleted, deleted_at);

-- Upload idempotency: the first outcome (JSON) of each client change id, per device.
-- The PRIMARY KEY is the guard row that makes a replayed change a duplicate.
-- Pruned by created_at.
CREATE TABLE sync_change_ids (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  change_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id, change_id)
);
CREATE INDEX idx_sync_change_ids_created_at ON sync_change_ids (created_at);

-- Conflicts: both sides of a rejected write (local = what the device uploaded, remote =
-- what the server held), unresolved while resolved_at is NULL.
CREATE TABLE sync_conflicts (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  item_type TEXT NOT NULL,
  item_id TEXT NOT NULL,
  local_data TEXT NOT NULL,
  local_version INTEGER NOT NULL,
  local_device_id TEXT NOT NULL,
  local_updated_at INTEGER NOT NULL,
  remote_data TEXT NOT NULL,
  remote_version INTEGER NOT NULL,
  remote_device_id TEXT NOT NULL,
  remote_updated_at INTEGER NOT NULL,
  detected_at INTEGER NOT NULL,
  resolved_at INTEGER,
  resolution TEXT
);
CREATE INDEX idx_sync_conflicts_user ON sync_conflicts (user_id, resolved_at);

-- Per-device sync state of a user: last upload and download times, the sequence the
-- device last downloaded up to, and how many changes it uploaded.
CREATE TABLE sync_metadata (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  last_upload_at INTEGER,
  last_download_at INTEGER,
  last_download_seq INTEGER NOT NULL DEFAULT 0,
  changes_uploaded INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, device_id)
);
