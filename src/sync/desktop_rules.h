// The rules of an upload in the desktop client's sync dialect (API.md, "The desktop
// client's sync dialect"), as one pure function tested apart from storage.
//
// The client never bumps sync_version, sends every change as an update, and re-sends each
// record it has not marked synced on every cycle, forever; so versions cannot decide and
// a re-send must change nothing. What decides is what the server remembers of the device
// (storage::DeviceItemRecord) and, between two concurrent edits, the later edit time
// (last write wins, the loser kept as a conflict):
// - no stored item                           -> apply as version 1;
// - history item already stored              -> unchanged (history is append-only);
// - same data as the stored live item        -> unchanged;
// - the data of the device's last upload of this item (a re-send) -> resent: nothing
//   changes, whatever happened to the item since;
// - the device saw the stored version        -> apply as stored + 1 (a plain edit);
// - otherwise another device wrote since this one last saw the item (or this device
//   never saw it): a concurrent edit. The later edit time wins (a tie keeps the stored
//   one): conflict_applied writes the upload as stored + 1, conflict_kept leaves the
//   stored item; either way the other side is kept as an open conflict.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sync/item_type.h"

namespace howler::sync {

enum class DesktopDecision { kApply, kUnchanged, kResent, kConflictApplied, kConflictKept };

// The stored item, as the rules need it.
struct StoredEdit {
  std::int64_t sync_version = 0;
  bool deleted = false;
  std::string_view data;
  std::int64_t edit_time = 0;  // edited_at, else updated_at (ms)
};

// What the server remembers of the uploading device and this item.
struct DeviceView {
  std::int64_t seen_version = 0;
  std::string_view sent_hash;
};

struct DesktopEdit {
  ItemType type = ItemType::kConnection;
  std::string_view data;       // sanitized, serialized
  std::string_view data_hash;  // DesktopDataHash(data)
  std::int64_t edit_time = 0;  // the change's `timestamp` (ms)
};

struct DesktopDecided {
  DesktopDecision decision;
  std::int64_t new_version;  // the version written for kApply and kConflictApplied
};

DesktopDecided DecideDesktopEdit(const DesktopEdit& edit, const std::optional<DeviceView>& device,
                                 const std::optional<StoredEdit>& stored);

// A stable digest of serialized data (hex, 32 characters), the same on every instance.
std::string DesktopDataHash(std::string_view data);

}  // namespace howler::sync
