-- purged_seq: the highest sequence number among the user's tombstones purged so far. A
-- download cursor below it may have missed a delete, so it gets 410 RESYNC_REQUIRED.
ALTER TABLE sync_state ADD COLUMN purged_seq INTEGER NOT NULL DEFAULT 0;

-- Whether each side of a conflict is a deletion (the local device deleted the item, or
-- the server held a tombstone); the data columns then keep the last known data.
ALTER TABLE sync_conflicts ADD COLUMN local_deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_conflicts ADD COLUMN remote_deleted INTEGER NOT NULL DEFAULT 0;
