// Row types of the sync tables (migrations 0001, 0002 and 0005), as SyncStore reads and writes
// them. Times are milliseconds since the epoch, UTC. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace howler::storage {

// One row of sync_items: the current state of an item, or its tombstone.
struct SyncItemRecord {
  std::string item_type;
  std::string item_id;
  std::string data;  // serialized JSON object, without the server fields
  std::int64_t sync_version = 0;
  bool deleted = false;
  std::string device_id;  // the device of the last accepted write
  std::int64_t seq = 0;   // the user's sequence number of the last accepted write
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> deleted_at;
  // The writer's time of the edit (the desktop dialect's `timestamp`); absent for writes of
  // the snake_case API, whose edit time is updated_at.
  std::optional<std::int64_t> edited_at;
  // The client change id that wrote this version, with device_id its key in the upload
  // idempotency record (migrations/0008_sync_item_change_id.sql); empty when none did.
  std::string change_id;

  std::int64_t EditTime() const { return edited_at.value_or(updated_at); }
};

// The first outcome of one client change id of a device (sync_change_ids), kept so that a
// replay of the change is answered as a duplicate.
struct ChangeIdRecord {
  std::string device_id;
  std::string change_id;
  std::string outcome;  // JSON: {"status":..,"sync_version":..[,"conflict_id":..]}
};

// One side of a conflict.
struct ConflictSide {
  std::string data;
  bool deleted = false;
  std::int64_t sync_version = 0;
  std::string device_id;
  std::int64_t updated_at = 0;
};

struct SyncConflictRecord {
  std::string id;
  std::string item_type;
  std::string item_id;
  ConflictSide local;   // what the device uploaded
  ConflictSide remote;  // what the server held
  std::int64_t detected_at = 0;
  std::optional<std::int64_t> resolved_at;
  std::string resolution;
};

// One row of sync_device_items (migration 0005): what a desktop-dialect device holds of an
// item.
struct DeviceItemRecord {
  std::string item_type;
  std::string item_id;
  std::int64_t held_version = 0;  // the sync_version in the client's own numbering
  std::int64_t seen_version = 0;  // the server's sync_version the device last saw
  std::string sent_hash;          // hash of the data of its last upload of the item

  bool operator==(const DeviceItemRecord&) const = default;
};

// One row of sync_device_offers (migration 0005): an item version a download sent to a
// desktop-dialect device, not yet confirmed stored.
struct DeviceOfferRecord {
  std::string item_type;
  std::string item_id;
  std::int64_t held_version = 0;  // what the device holds once it stored the item
  std::int64_t seen_version = 0;  // the server version sent
  std::int64_t offered_at = 0;    // the serverTimestamp of that download (ms)
};

// One row of sync_metadata, with how many changes the device has not downloaded yet.
struct SyncDeviceRecord {
  std::string device_id;
  std::optional<std::int64_t> last_upload_at;
  std::optional<std::int64_t> last_download_at;
  std::int64_t last_download_seq = 0;
  std::int64_t changes_uploaded = 0;
  std::int64_t behind = 0;
};

// What a live listener is told about a user (sync/live_notifier.h): the sequence, the
// open conflicts, and the device of the item written at that sequence ("" when none).
struct LiveStateRecord {
  std::string user_id;
  std::int64_t last_seq = 0;
  std::int64_t open_conflicts = 0;
  std::string last_device;
};

}  // namespace howler::storage
