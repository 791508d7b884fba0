#include "sync/desktop_sync.h"

#include <map>
#include <utility>

#include "common/time_format.h"

namespace howler::sync {
namespace {

using Key = std::pair<std::string, std::string>;  // item_type, item_id

}  // namespace

DesktopSync::DesktopSync(SyncService& service, storage::SyncStore& store, const Clock& clock)
    : service_(service), store_(store), clock_(clock) {}

Result<UploadResult> DesktopSync::Upload(std::string_view user_id, UploadRequest request) {
  request.rules = UploadRules::kDesktop;
  return service_.Upload(user_id, std::move(request));
}

Result<DesktopDownloadResult> DesktopSync::Download(std::string_view user_id,
                                                    std::string_view device_id,
                                                    std::optional<TimePoint> since) {
  HOWLER_RETURN_IF_ERROR(CheckDeviceId(device_id));
  HOWLER_ASSIGN_OR_RETURN(storage::DesktopPosition position,
                          store_.ReadDesktopPosition(user_id, device_id));
  // `since` equal to the last answer's serverTimestamp: the device stored that answer.
  const bool confirmed = since && position.at && ToUnixMillis(*since) == *position.at;
  std::optional<std::string> cursor;
  if (confirmed) cursor = EncodeCursor(Cursor{position.seq});

  DesktopDownloadResult out;
  std::vector<storage::SyncItemRecord> changes;
  for (bool first = true; first || (out.has_more && changes.size() < kMaxItems); first = false) {
    DownloadRequest request;
    request.device_id = std::string(device_id);
    request.deletes_optional = true;
    request.limit = service_.options().max_page;
    if (cursor) {
      request.cursor = cursor;
    } else if (since) {
      request.since = *since - kSinceOverlap;
    }
    HOWLER_ASSIGN_OR_RETURN(DownloadResult page, service_.Download(user_id, request));
    if (first) out.server_time = page.synced_at;
    out.has_more = page.has_more;
    out.cursor = page.cursor;
    cursor = EncodeCursor(page.cursor);
    for (auto& item : page.items) changes.push_back(std::move(item));
  }

  // What the device holds: its confirmed items, plus the last answer's offers if confirmed.
  std::vector<storage::ItemKey> keys;
  for (const auto& item : changes) keys.push_back({item.item_type, item.item_id});
  if (confirmed) {
    for (const auto& offer : position.offers) keys.push_back({offer.item_type, offer.item_id});
  }
  HOWLER_ASSIGN_OR_RETURN(std::vector<storage::DeviceItemRecord> rows,
                          store_.ReadDeviceItems(user_id, device_id, keys));
  std::map<Key, storage::DeviceItemRecord> held;
  for (auto& row : rows) held[{row.item_type, row.item_id}] = std::move(row);
  std::vector<storage::DeviceItemRecord> promoted;
  if (confirmed) {
    for (const auto& offer : position.offers) {
      if (offer.offered_at != *position.at) continue;
      storage::DeviceItemRecord& h = held[{offer.item_type, offer.item_id}];
      h = {offer.item_type, offer.item_id, offer.held_version, offer.seen_version, h.sent_hash};
      promoted.push_back(h);
    }
  }

  const std::int64_t now = ToUnixMillis(out.server_time);
  std::vector<storage::DeviceOfferRecord> offers;
  for (auto& item : changes) {
    if (item.deleted) continue;
    auto h = held.find({item.item_type, item.item_id});
    if (h != held.end() && h->second.seen_version == item.sync_version) continue;  // has it
    const std::int64_t version = h != held.end() ? h->second.held_version : item.sync_version;
    offers.push_back({item.item_type, item.item_id, version + 1, item.sync_version, now});
    out.items.push_back({std::move(item), version});
  }

  std::vector<storage::Statement> batch =
      storage::SyncStore::UpsertDeviceItems(user_id, device_id, promoted);
  for (auto& s : storage::SyncStore::ReplaceOffers(user_id, device_id, offers)) {
    batch.push_back(std::move(s));
  }
  batch.push_back(storage::SyncStore::RecordDownload(
      {std::string(user_id), std::string(device_id), now, out.cursor.seq}));
  HOWLER_RETURN_IF_ERROR(store_.Write(std::move(batch)));
  return out;
}

Result<DesktopStatus> DesktopSync::Summary(std::string_view user_id, std::string_view device_id) {
  if (!device_id.empty()) HOWLER_RETURN_IF_ERROR(CheckDeviceId(device_id));
  HOWLER_ASSIGN_OR_RETURN(std::vector<storage::SyncDeviceRecord> devices,
                          service_.ListDevices(user_id));
  HOWLER_ASSIGN_OR_RETURN(std::int64_t conflicts, store_.CountOpenConflicts(user_id));
  DesktopStatus out;
  out.conflicts = conflicts;
  for (const storage::SyncDeviceRecord& d : devices) {
    if (!device_id.empty() && d.device_id != device_id) continue;
    for (const auto& at : {d.last_upload_at, d.last_download_at}) {
      if (at && (!out.last_sync_at || *at > *out.last_sync_at)) out.last_sync_at = at;
    }
    if (!device_id.empty()) out.pending_changes = d.behind;
  }
  return out;
}

howler::Status DesktopSync::Reset(std::string_view user_id, std::string_view device_id) {
  if (!device_id.empty()) HOWLER_RETURN_IF_ERROR(CheckDeviceId(device_id));
  return store_.ForgetDevice(user_id, device_id);
}

howler::Status DesktopSync::Health(std::string_view user_id) {
  return store_.CountOpenConflicts(user_id).status();
}

}  // namespace howler::sync
