-- Live (not deleted) items per user and type, kept by the sync write batches (under the
-- sequence guard) so that the quota check of an upload reads one row per type instead of
-- counting every item of the user.
CREATE TABLE sync_counts (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  item_type TEXT NOT NULL,
  live INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, item_type)
);

INSERT INTO sync_counts (user_id, item_type, live)
SELECT user_id, item_type, COUNT(*) FROM sync_items WHERE deleted = 0 GROUP BY user_id, item_type;
