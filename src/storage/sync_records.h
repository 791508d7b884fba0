// Row types of the sync tables (migrations 0001 and 0002), as SyncStore reads and writes
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
