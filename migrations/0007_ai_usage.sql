-- AI assistant usage (src/storage/ai_usage_store.h): one row per user and UTC day, the
-- requests answered and the tokens the provider counted (prompt and completion). The daily
-- token budget of a user's tier is checked against the day's row.
CREATE TABLE ai_usage (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  day INTEGER NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  tokens_in INTEGER NOT NULL DEFAULT 0,
  tokens_out INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, day)
);
