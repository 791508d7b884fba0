-- The desktop client's sync dialect (API.md, "The desktop client's sync dialect").

-- When the user's first synced change was written: a download `since` at or before it is a
-- full download, never RESYNC_REQUIRED. Existing users get their oldest item's time.
ALTER TABLE sync_state ADD COLUMN first_change_at INTEGER;
UPDATE sync_state SET first_change_at = (
  SELECT MIN(i.created_at) FROM sync_items i WHERE i.user_id = sync_state.user_id);

-- The writer's own time of the edit (ms): the desktop client's `timestamp`, which decides
-- which of two concurrent desktop edits wins. NULL for writes of the snake_case API, whose
-- edit time is updated_at.
ALTER TABLE sync_items ADD COLUMN edited_at INTEGER;

-- What each desktop-dialect device holds of each item: the sync_version in the client's
-- own numbering (held_version), the server version it last saw (seen_version: an upload
-- based on an older one is a concurrent edit), and a hash of the data of its last upload
-- of the item (sent_hash: the client re-sends unsynced records on every cycle, and a
-- re-send must change nothing).
CREATE TABLE sync_device_items (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  item_type TEXT NOT NULL,
  item_id TEXT NOT NULL,
  held_version INTEGER NOT NULL,
  seen_version INTEGER NOT NULL,
  sent_hash TEXT NOT NULL,
  PRIMARY KEY (user_id, device_id, item_type, item_id)
);

-- Item versions a desktop-dialect device was sent by its last download but has not yet
-- confirmed it stored. The client confirms a download by sending its serverTimestamp back
-- as the next `since` (or an item's offered version back as an upload's syncVersion); only
-- then do they become its sync_device_items. A download whose answer was lost is thus
-- not mistaken for one the device holds.
CREATE TABLE sync_device_offers (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  item_type TEXT NOT NULL,
  item_id TEXT NOT NULL,
  held_version INTEGER NOT NULL,
  seen_version INTEGER NOT NULL,
  offered_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id, item_type, item_id)
);
