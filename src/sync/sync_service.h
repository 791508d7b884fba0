// SyncService: the Sync operations of API.md (upload, download, conflicts, devices) over
// any storage::Database, for both transports (HTTP and gRPC translate to and from these
// plain structs; no logic lives in them).
//
// Guarantees (PROTOCOLS.md section 4):
// - Every accepted write (create, update, delete, resolution) gets the user's next
//   sequence number inside the same atomic batch as the write (SyncStore's sequence
//   guard), so commit order equals sequence order and a download cursor never skips one.
// - An upload is one read batch and one write batch (two round trips on the remote
//   backend); the write applies all of it or nothing, and the upload is answered only
//   after it committed. Uploads and resolutions run through one UserWriteRunner: writes
//   of one user on this instance take turns (so the sequence guard only fails across
//   instances, and then the write is decided again from fresh reads, a bounded number
//   of times), and the write batches of different users committing at the same time
//   share transactions (SyncStore's group commit).
// - Change ids are remembered per (user, device) until the tombstone retention: a replay
//   gets `duplicate` with the first outcome and applies nothing.
// - Every statement is keyed by the caller's user id; another user's items, conflicts
//   and devices are never read or changed (their ids answer 404 / are separate items).
// Thread-safe: call from any thread. Store, clock and metrics must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "storage/sync_store.h"
#include "sync/cursor.h"
#include "sync/download_tracker.h"
#include "sync/json_value.h"
#include "sync/quota.h"
#include "sync/user_write_runner.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::sync {

class LiveNotifier;

struct SyncOptions {
  std::uint32_t max_changes = 1000;         // SYNC_MAX_CHANGES
  std::size_t max_item_bytes = 256 * 1024;  // one item's serialized data
  std::chrono::milliseconds tombstone_retention = std::chrono::hours(24 * 90);
  bool sanitize_history = true;  // SYNC_SANITIZE_HISTORY
  TierQuotas quotas;
  int default_page = 500;
  int max_page = 1000;
  int max_conflicts_listed = 1000;
  // Uploads and resolutions of one user running or waiting on this instance at once; more
  // get UNAVAILABLE with Retry-After (UserWriteRunner).
  int max_writes_per_user = 4;
};

// One change as the transport parsed it. `problem` set by the transport (a field of the
// wrong type) rejects the change with that reason.
struct ChangeInput {
  std::string change_id;
  std::string item_type;
  std::string item_id;
  std::string action;
  std::int64_t sync_version = 0;
  std::optional<JsonValue> data;
  std::string problem;
  // UploadRules::kDesktop: the writer's time of the edit (ms), which decides between two
  // concurrent edits.
  std::int64_t edited_at = 0;
};

// Which rules decide an upload's outcomes.
enum class UploadRules {
  // API.md's optimistic versions (version_rules.h); change ids deduplicate replays.
  kVersions,
  // The desktop client's dialect (desktop_rules.h): what the server remembers of the
  // device, then last write wins with the loser kept as a conflict. Change ids are not
  // recorded (the client makes a new one per attempt).
  kDesktop,
};

struct UploadRequest {
  std::string device_id;
  std::vector<ChangeInput> changes;
  std::size_t payload_bytes = 0;  // for sync_payload_bytes; 0 when unknown
  UploadRules rules = UploadRules::kVersions;
};

enum class OutcomeStatus { kApplied, kUnchanged, kDuplicate, kConflict, kRejected };
std::string_view OutcomeStatusName(OutcomeStatus status);

struct ChangeOutcome {
  std::size_t index = 0;  // position in UploadRequest::changes
  std::string change_id;
  std::string item_type;
  std::string item_id;
  OutcomeStatus status = OutcomeStatus::kRejected;
  std::int64_t sync_version = 0;      // the stored version after this change (0: none)
  std::string reason;                 // kRejected
  std::vector<std::string> stripped;  // secrets removed from the data
  std::string conflict_id;            // kConflict, or a duplicate of one
  std::string first_status;           // kDuplicate: the first outcome's status
  bool won = false;  // kConflict under UploadRules::kDesktop: this upload was newer and applied
};

struct UploadResult {
  TimePoint synced_at;
  Cursor cursor;  // the user's position after this upload
  std::vector<ChangeOutcome> results;
  std::vector<storage::SyncConflictRecord> conflicts;  // detected by this upload
  int applied = 0;
  int rejected = 0;
  std::string message;  // "Synced 3 items, 1 conflicts, 0 rejected", for both transports
};

// OK, or INVALID_ARGUMENT naming device_id: 1-128 bytes of text without control
// characters (every operation that takes a device id applies it).
Status CheckDeviceId(std::string_view device_id);

struct DownloadRequest {
  std::string device_id;
  std::optional<std::string> cursor;  // opaque text from an earlier response
  // Items written at or after it. At or before the user's first change: a full download.
  std::optional<TimePoint> since;
  std::optional<std::int64_t> limit;
  // The caller applies no deletes (the desktop dialect, which has none and no way to start
  // over): a `since` or cursor older than the purged tombstones is answered (the items
  // written after it) instead of RESYNC_REQUIRED.
  bool deletes_optional = false;
};

struct DownloadResult {
  TimePoint synced_at;
  Cursor cursor;
  bool has_more = false;
  std::vector<storage::SyncItemRecord> items;  // seq ascending; tombstones have deleted
};

struct ResolveRequest {
  std::string conflict_id;
  std::string strategy;                       // last_write_wins | keep_both | user_choice
  std::optional<std::string> chosen_version;  // local | remote (user_choice)
  std::optional<JsonValue> merged_data;       // user_choice, instead of a side
  std::optional<std::string> device_id;       // who resolves; default: the local side's
};

struct ResolveResult {
  TimePoint resolved_at;
  std::string message;
  storage::SyncItemRecord item;                 // the item after resolution
  std::optional<storage::SyncItemRecord> copy;  // keep_both: the local side's new item
};

class SyncService {
 public:
  // `metrics` may be null.
  SyncService(storage::SyncStore& store, const Clock& clock, SyncOptions options,
              metrics::Metrics* metrics);

  // INVALID_ARGUMENT for a bad device id; RESOURCE_EXHAUSTED/PAYLOAD_TOO_LARGE for more
  // than max_changes; per-change problems are `rejected` outcomes, not errors. Takes the
  // request by value: each change's data is moved out of it, not copied.
  Result<UploadResult> Upload(std::string_view user_id, UploadRequest request);
  // INVALID_ARGUMENT for a bad cursor/limit; FAILED_PRECONDITION/RESYNC_REQUIRED for a
  // cursor or `since` beyond the retention horizon (or from a restored database).
  Result<DownloadResult> Download(std::string_view user_id, const DownloadRequest& request);
  Result<std::vector<storage::SyncConflictRecord>> ListConflicts(std::string_view user_id);
  // NOT_FOUND unknown/foreign id; CONFLICT already resolved; INVALID_ARGUMENT bad strategy.
  Result<ResolveResult> ResolveConflict(std::string_view user_id, const ResolveRequest& request);
  Result<std::vector<storage::SyncDeviceRecord>> ListDevices(std::string_view user_id);

  // Writes the buffered download positions (background job; also at shutdown).
  Status FlushDownloads();
  // Purges tombstones, change ids and resolved conflicts past the retention (job).
  Status PurgeExpired();

  const SyncOptions& options() const { return options_; }
  // Reports every committed upload (that applied or detected something) and resolution
  // to `live` (may be null). Set before serving; `live` must outlive this service.
  void SetLiveNotifier(LiveNotifier* live) { live_ = live; }

  // One change after validation (internal to sync_upload.cpp).
  struct Prepared;
  // For the batches that overwrite an item (uploads and resolutions): the sync_change_ids
  // row for the change id that wrote `replaced` (an "applied" outcome at its version), or
  // nullopt when no change id wrote it. Defined in sync_upload.cpp.
  static std::optional<storage::ChangeIdRecord> ArchivedChangeId(
      const storage::SyncItemRecord& replaced);

 private:
  template <typename T>
  using Plan = UserWriteRunner::Plan<T>;

  // Validates and sanitizes each change, moving its data out of `request`.
  std::vector<Prepared> Prepare(UploadRequest& request) const;
  // One attempt of an upload or a resolution (UserWriteRunner): fresh reads, the outcome
  // decided on them, and the batch that writes it.
  Result<Plan<UploadResult>> PlanUpload(std::string_view user_id, const UploadRequest& request,
                                        const std::vector<Prepared>& prepared);
  Result<Plan<ResolveResult>> PlanResolve(std::string_view user_id, const ResolveRequest& request,
                                          const std::optional<std::string>& merged_text);
  // Counts and the message of an upload whose batch was written.
  void FinishUpload(UploadResult& result);
  void CountOperation(std::string_view operation, const Status& status);

  storage::SyncStore& store_;
  const Clock& clock_;
  const SyncOptions options_;
  metrics::Metrics* metrics_;
  DownloadTracker downloads_;
  UserWriteRunner writes_;
  LiveNotifier* live_ = nullptr;
};

}  // namespace howler::sync
