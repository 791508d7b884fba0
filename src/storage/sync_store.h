// SyncStore: SQL for the sync tables, every statement keyed by user_id.
//
// Writes are returned as Statements for the sync service to put into one Batch; the
// reads that precede a write are one Batch of SELECTs (one round trip on the remote
// backend, one consistent snapshot on both).
//
// Sequence guard: every batch that writes a user's items starts with GuardSequence(),
// which moves sync_state.last_seq from the value the service read to the value after its
// writes, and fails the whole batch with FAILED_PRECONDITION (a NOT NULL violation) when
// another writer moved it first. Since every accepted write of the user moves last_seq,
// a batch that passes the guard runs against exactly the state its reads saw, and
// sequence numbers are assigned in commit order on both backends.
//
// Write() goes through a GroupCommit (storage/group_commit.h): batches written by
// several threads at once may share one transaction, each still all-or-nothing.
//
// Thread-safe; the Database must outlive it.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/database.h"
#include "storage/group_commit.h"
#include "storage/sync_records.h"

namespace howler::storage {

struct ItemKey {
  std::string item_type;
  std::string item_id;
};

// What an upload needs to decide its outcomes.
struct UploadState {
  std::int64_t last_seq = 0;
  std::string tier = "free";
  std::map<std::string, std::int64_t> live_counts;  // item_type -> items not deleted
  std::vector<SyncItemRecord> items;                // the stored ones among the keys asked
  std::map<std::string, std::string> seen_changes;  // change id -> recorded outcome
  // What the uploading device holds of the keys asked (only when asked for).
  std::vector<DeviceItemRecord> device_items;
  std::vector<DeviceOfferRecord> device_offers;
};

// A desktop-dialect device's last answered download and what it was offered.
struct DesktopPosition {
  std::optional<std::int64_t> at;  // sync_metadata.last_download_at
  std::int64_t seq = 0;            // sync_metadata.last_download_seq
  std::vector<DeviceOfferRecord> offers;
};

struct SyncPage {
  std::int64_t last_seq = 0;
  std::int64_t purged_seq = 0;
  std::optional<std::int64_t> first_change_at;  // absent before the user's first change
  std::vector<SyncItemRecord> items;            // seq ascending
};

// State for resolving one conflict; `conflict` absent when unknown or another user's.
struct ResolveState {
  std::optional<SyncConflictRecord> conflict;
  std::optional<SyncItemRecord> item;
  std::int64_t last_seq = 0;
};

// A device's latest download, for RecordDownloads.
struct DeviceDownload {
  std::string user_id;
  std::string device_id;
  std::int64_t at = 0;
  std::int64_t seq = 0;
};

class SyncStore {
 public:
  explicit SyncStore(Database& db, GroupCommitOptions group_commit = {})
      : db_(db), commits_(db, group_commit) {}

  // With `device_items`, also the device's sync_device_items and sync_device_offers rows
  // of the keys.
  Result<UploadState> ReadUploadState(std::string_view user_id, std::string_view device_id,
                                      const std::vector<ItemKey>& keys,
                                      const std::vector<std::string>& change_ids,
                                      bool device_items = false);
  // Items with seq > after_seq (and updated_at >= since when given), seq ascending, at
  // most `limit`; with the user's last_seq and purged_seq. One query.
  Result<SyncPage> ReadPage(std::string_view user_id, std::int64_t after_seq,
                            std::optional<std::int64_t> since, int limit);
  Result<ResolveState> ReadResolveState(std::string_view user_id, std::string_view conflict_id);
  // Unresolved conflicts, oldest first, at most `limit`.
  Result<std::vector<SyncConflictRecord>> ListConflicts(std::string_view user_id, int limit);
  Result<std::vector<SyncDeviceRecord>> ListDevices(std::string_view user_id);
  // The device's sync_device_items rows among `keys` (any order).
  Result<std::vector<DeviceItemRecord>> ReadDeviceItems(std::string_view user_id,
                                                        std::string_view device_id,
                                                        const std::vector<ItemKey>& keys);
  Result<DesktopPosition> ReadDesktopPosition(std::string_view user_id, std::string_view device_id);
  // The number of the user's unresolved conflicts.
  Result<std::int64_t> CountOpenConflicts(std::string_view user_id);
  // The live state of each of `user_ids` that has written anything (a user absent from
  // the answer has sequence 0 and no conflicts). At most kLiveUsersPerStatement users per
  // statement, every statement in one read batch: one round trip whatever the count.
  static constexpr std::size_t kLiveUsersPerStatement = 256;
  Result<std::vector<LiveStateRecord>> ReadLiveStates(std::span<const std::string> user_ids);

  // See the class comment. `expected` is the last_seq read; `next` the value after; `now`
  // becomes the user's first_change_at if none is recorded yet.
  static std::vector<Statement> GuardSequence(std::string_view user_id, std::int64_t expected,
                                              std::int64_t next, std::int64_t now);
  // Inserts or replaces the items (several rows per statement).
  static std::vector<Statement> UpsertItems(std::string_view user_id,
                                            std::span<const SyncItemRecord> items);
  // Fails with ALREADY_EXISTS when a change id of the device was recorded already.
  static std::vector<Statement> InsertChangeIds(std::string_view user_id,
                                                std::span<const ChangeIdRecord> records,
                                                std::int64_t now);
  // The change ids of replaced versions (SyncService::ArchivedChangeId). An id recorded
  // already keeps its first outcome: a client that reused one id for two items must not
  // make every later write of the second item fail.
  static std::vector<Statement> ArchiveChangeIds(std::string_view user_id,
                                                 std::span<const ChangeIdRecord> records,
                                                 std::int64_t now);
  static std::vector<Statement> InsertConflicts(std::string_view user_id,
                                                std::span<const SyncConflictRecord> conflicts);
  // Adds `delta` to the user's live count of `item_type` (negative for deletes).
  static Statement AddLiveCount(std::string_view user_id, std::string_view item_type,
                                std::int64_t delta);
  static Statement RecordUpload(std::string_view user_id, std::string_view device_id,
                                std::int64_t now, std::int64_t changes);
  // Inserts or replaces what `device_id` holds of the items.
  static std::vector<Statement> UpsertDeviceItems(std::string_view user_id,
                                                  std::string_view device_id,
                                                  std::span<const DeviceItemRecord> records);
  // Replaces every offer of the device by `offers`.
  static std::vector<Statement> ReplaceOffers(std::string_view user_id, std::string_view device_id,
                                              std::span<const DeviceOfferRecord> offers);
  static Statement DeleteOffer(std::string_view user_id, std::string_view device_id,
                               const ItemKey& key);
  // The device's download position (never moved backwards), as RecordDownloads writes it.
  static Statement RecordDownload(const DeviceDownload& download);
  static Statement MarkResolved(std::string_view user_id, std::string_view conflict_id,
                                std::int64_t now, std::string_view resolution);

  // Commits the statements as one all-or-nothing batch, possibly in one transaction with
  // batches other threads write meanwhile; returns once its own fate is known.
  Status Write(std::vector<Statement> statements) { return commits_.Commit(std::move(statements)); }
  // The group commit behind Write (its queue and counts, for tests and benchmarks).
  const GroupCommit& group_commit() const { return commits_; }
  // Upserts the download positions (never moving one backwards).
  Status RecordDownloads(std::span<const DeviceDownload> downloads);
  // Forgets what the device (every device of the user when `device_id` is empty) holds and
  // has downloaded (sync_device_items, and sync_metadata's download position). Items stay.
  Status ForgetDevice(std::string_view user_id, std::string_view device_id);
  // Purges tombstones deleted before `before` (raising each user's purged_seq), change
  // ids and resolved conflicts older than `before`. One batch.
  Status Purge(std::int64_t before);

 private:
  Database& db_;
  GroupCommit commits_;
};

}  // namespace howler::storage
