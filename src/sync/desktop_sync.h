// DesktopSync: the desktop client's own sync dialect (API.md, "The desktop client's sync
// dialect") over the same SyncService, so that its sync engine works unchanged with the
// server's guarantees (versions, conflicts kept, secrets stripped, isolation).
//
// What it adds to SyncService:
// - uploads decided by UploadRules::kDesktop (desktop_rules.h);
// - downloads shaped for the client's merge, which crashes when a downloaded item's
//   sync_version differs from its own copy's: an item is sent only when the device does
//   not hold its current version yet, with sync_version = the version the device holds in
//   its own numbering, and the server remembers the client's copy as that version + 1
//   (what the client stores). Tombstones are not sent (the client has no deletes).
// - `since` is exact: the serverTimestamp a download answers is remembered with the
//   cursor it ended at, and a later `since` equal to it continues from that cursor; any
//   other `since` is read by time, overlapping by kSinceOverlap so that a write committed
//   while a download ran is not missed.
// Thread-safe; service, store and clock must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "storage/sync_store.h"
#include "sync/sync_service.h"

namespace howler::sync {

// An item as the device gets it.
struct DesktopItem {
  storage::SyncItemRecord record;
  std::int64_t sync_version = 0;  // in the device's own numbering
};

struct DesktopDownloadResult {
  TimePoint server_time;  // the client's next `since`
  bool has_more = false;  // more than kMaxItems were waiting; the next cycle continues
  Cursor cursor;
  std::vector<DesktopItem> items;
};

struct DesktopStatus {
  std::optional<std::int64_t> last_sync_at;  // ms; the device's (or any device's) last sync
  std::int64_t pending_changes = 0;          // changes the device has not downloaded yet
  std::int64_t conflicts = 0;                // open conflicts of the user
};

class DesktopSync {
 public:
  // Items one download sends at most (the client has no paging loop; it continues on its
  // next cycle).
  static constexpr std::size_t kMaxItems = 5000;
  static constexpr std::chrono::milliseconds kSinceOverlap{std::chrono::seconds(60)};

  DesktopSync(SyncService& service, storage::SyncStore& store, const Clock& clock);

  // SyncService::Upload under UploadRules::kDesktop.
  Result<UploadResult> Upload(std::string_view user_id, UploadRequest request);
  // INVALID_ARGUMENT for a bad device id. Never RESYNC_REQUIRED.
  Result<DesktopDownloadResult> Download(std::string_view user_id, std::string_view device_id,
                                         std::optional<TimePoint> since);
  // `device_id` empty: no device (pending_changes 0, last_sync_at of any device).
  Result<DesktopStatus> Summary(std::string_view user_id, std::string_view device_id);
  // Forgets what the device (every device of the user when empty) holds and downloaded, so
  // that its next download sends everything again. Items and conflicts stay.
  howler::Status Reset(std::string_view user_id, std::string_view device_id);
  // OK when the user's sync data can be read.
  howler::Status Health(std::string_view user_id);

 private:
  SyncService& service_;
  storage::SyncStore& store_;
  const Clock& clock_;
};

}  // namespace howler::sync
