// SyncService: construction, download, conflict listing, devices and the jobs. Upload is
// in sync_upload.cpp, conflict resolution in sync_resolve.cpp.
#include "sync/sync_service.h"

#include <algorithm>

#include "common/log.h"
#include "common/time_format.h"
#include "common/utf8.h"
#include "metrics/metrics.h"

namespace howler::sync {

SyncService::SyncService(storage::SyncStore& store, const Clock& clock, SyncOptions options,
                         metrics::Metrics* metrics)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      metrics_(metrics),
      writes_(store, options_.max_writes_per_user) {}

void SyncService::CountOperation(std::string_view operation, const Status& status) {
  if (metrics_ == nullptr) return;
  metrics_->CountSyncOperation(operation, status.ok() ? "ok" : StatusCodeName(status.code()));
}

Status CheckDeviceId(std::string_view device_id) {
  return CheckTextField("device_id", device_id, 1, 128);
}

namespace {

Status ResyncRequired(std::string message) {
  return FailedPreconditionError(std::move(message)).WithReason(ApiReason::kResyncRequired);
}

}  // namespace

Result<DownloadResult> SyncService::Download(std::string_view user_id,
                                             const DownloadRequest& request) {
  auto fail = [&](Status s) -> Result<DownloadResult> {
    CountOperation("download", s);
    return s;
  };
  if (Status device = CheckDeviceId(request.device_id); !device.ok()) return fail(device);
  std::int64_t limit = request.limit.value_or(options_.default_page);
  if (limit < 1) return fail(InvalidArgumentError("limit must be at least 1"));
  limit = std::min<std::int64_t>(limit, options_.max_page);
  Cursor after;
  if (request.cursor) {
    Result<Cursor> decoded = DecodeCursor(*request.cursor);
    if (!decoded.ok()) return fail(InvalidArgumentError("cursor is not valid"));
    after = *decoded;
  }
  const std::int64_t now = clock_.NowMillis();
  const std::int64_t horizon = now - options_.tombstone_retention.count();
  std::optional<std::int64_t> since;
  if (request.since && !request.cursor) since = ToUnixMillis(*request.since);
  Result<storage::SyncPage> page =
      store_.ReadPage(user_id, after.seq, since, static_cast<int>(limit) + 1);
  if (!page.ok()) return fail(page.status());
  // A `since` beyond the horizon may have missed purged deletes, unless it lies at or
  // before the user's first change: then every item is written after it and the page is
  // a full download.
  const bool before_first = since && (!page->first_change_at || *since <= *page->first_change_at);
  if (since && !before_first && *since < horizon && !request.deletes_optional) {
    return fail(
        ResyncRequired("since is older than the sync history kept: download again "
                       "without since or cursor"));
  }
  if (request.cursor &&
      (after.seq > page->last_seq || (after.seq < page->purged_seq && !request.deletes_optional))) {
    return fail(ResyncRequired("cursor is too old or unknown: download again without cursor"));
  }
  DownloadResult result;
  result.synced_at = FromUnixMillis(now);
  result.has_more = page->items.size() > static_cast<std::size_t>(limit);
  if (result.has_more) page->items.resize(static_cast<std::size_t>(limit));
  result.items = std::move(page->items);
  std::int64_t last = result.items.empty() ? after.seq : result.items.back().seq;
  result.cursor = Cursor{result.has_more ? last : std::max(last, page->last_seq)};
  downloads_.Record(user_id, request.device_id, now, result.cursor.seq);
  CountOperation("download", Status::Ok());
  return result;
}

Result<std::vector<storage::SyncConflictRecord>> SyncService::ListConflicts(
    std::string_view user_id) {
  auto listed = store_.ListConflicts(user_id, options_.max_conflicts_listed);
  CountOperation("list_conflicts", listed.status());
  return listed;
}

Result<std::vector<storage::SyncDeviceRecord>> SyncService::ListDevices(std::string_view user_id) {
  // Flush so that downloads answered by this instance are counted.
  Status flushed = FlushDownloads();
  if (!flushed.ok()) {
    CountOperation("devices", flushed);
    return flushed;
  }
  auto devices = store_.ListDevices(user_id);
  CountOperation("devices", devices.status());
  return devices;
}

Status SyncService::FlushDownloads() {
  std::vector<storage::DeviceDownload> pending = downloads_.Take();
  if (pending.empty()) return Status::Ok();
  Status s = store_.RecordDownloads(pending);
  if (s.ok()) return s;
  if (s.code() == StatusCode::kUnavailable) {  // the database is away: all wait for it
    downloads_.Restore(pending);
    return s;
  }
  // One row failed the batch: write each device on its own, so it cannot hold back others.
  Status unavailable;
  for (const storage::DeviceDownload& entry : pending) {
    Status one = store_.RecordDownloads(std::span(&entry, 1));
    if (one.code() == StatusCode::kUnavailable) {
      downloads_.Restore({entry});
      unavailable = one;
    } else if (!one.ok()) {
      log::Warn("device download position dropped",
                {{"user_id", entry.user_id}, {"error", one.message()}});
    }
  }
  return unavailable;
}

Status SyncService::PurgeExpired() {
  return store_.Purge(clock_.NowMillis() - options_.tombstone_retention.count());
}

}  // namespace howler::sync
