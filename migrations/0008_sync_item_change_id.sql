-- The client change id that wrote an item's current version (uploads of the snake_case
-- API; NULL for desktop-dialect uploads, resolutions and rows written before this
-- migration). With the item row's device_id it answers a replay of that change as a
-- duplicate without a row of its own in sync_change_ids: an upload that creates or edits
-- N items writes N item rows, not N more change-id rows. When a later write replaces the
-- version, the replaced change id is moved into sync_change_ids in the same batch
-- (docs/DESIGN.md, "Upload idempotency"), so a late replay of it is still a duplicate.
ALTER TABLE sync_items ADD COLUMN change_id TEXT;
