// SyncService::Upload: validation and sanitizing (Prepare), then the decide-and-write
// step (UploadOnce) under the user's lock, retried when the sequence guard fails.
#include <map>
#include <set>

#include "common/ids.h"
#include "common/json_text.h"
#include "common/time_format.h"
#include "metrics/metrics.h"
#include "sync/data_sanitizer.h"
#include "sync/sync_service.h"
#include "sync/version_rules.h"

namespace howler::sync {

// One change after validation: either a reason to reject it, or the data to store.
struct SyncService::Prepared {
  ItemType type = ItemType::kConnection;
  Action action = Action::kCreate;
  std::string data;  // serialized, sanitized; "{}" for deletes
  std::vector<std::string> stripped;
  std::string reject;
};

namespace {

constexpr std::size_t kMaxIdBytes = 256;
constexpr int kMaxAttempts = 8;

std::string ValidateIds(const ChangeInput& c) {
  if (!c.problem.empty()) return c.problem;
  if (c.change_id.empty()) return "id (the change id) is required";
  if (c.change_id.size() > kMaxIdBytes) return "id is longer than 256 bytes";
  if (c.item_id.empty()) return "item_id is required";
  if (c.item_id.size() > kMaxIdBytes) return "item_id is longer than 256 bytes";
  if (c.sync_version < 0) return "sync_version must not be negative";
  return "";
}

std::string QuotaName(ItemType type) {
  switch (type) {
    case ItemType::kConnection:
      return "connections";
    case ItemType::kSavedQuery:
      return "saved queries";
    case ItemType::kQueryHistory:
      return "history entries";
  }
  return "items";
}

// The outcome kept for a change id: {"status":..,"sync_version":..,"conflict_id":..}.
std::string EncodeOutcome(const ChangeOutcome& o) {
  std::string out = "{\"status\":";
  AppendJsonString(out, OutcomeStatusName(o.status));
  out += ",\"sync_version\":" + std::to_string(o.sync_version);
  if (!o.conflict_id.empty()) {
    out += ",\"conflict_id\":";
    AppendJsonString(out, o.conflict_id);
  }
  return out + "}";
}

void ApplyRecordedOutcome(std::string_view recorded, ChangeOutcome& o) {
  o.status = OutcomeStatus::kDuplicate;
  Result<JsonValue> parsed = ParseJson(recorded);
  if (!parsed.ok()) return;
  if (const JsonValue* s = parsed->Find("status")) o.first_status = s->text();
  if (const JsonValue* v = parsed->Find("sync_version")) {
    o.sync_version = std::strtoll(v->text().c_str(), nullptr, 10);
  }
  if (const JsonValue* c = parsed->Find("conflict_id")) o.conflict_id = c->text();
}

using Key = std::pair<std::string, std::string>;  // item_type, item_id

}  // namespace

std::string_view OutcomeStatusName(OutcomeStatus status) {
  switch (status) {
    case OutcomeStatus::kApplied:
      return "applied";
    case OutcomeStatus::kUnchanged:
      return "unchanged";
    case OutcomeStatus::kDuplicate:
      return "duplicate";
    case OutcomeStatus::kConflict:
      return "conflict";
    case OutcomeStatus::kRejected:
      return "rejected";
  }
  return "rejected";
}

std::vector<SyncService::Prepared> SyncService::Prepare(const UploadRequest& request) const {
  std::vector<Prepared> out(request.changes.size());
  for (std::size_t i = 0; i < request.changes.size(); ++i) {
    const ChangeInput& c = request.changes[i];
    Prepared& p = out[i];
    p.reject = ValidateIds(c);
    if (!p.reject.empty()) continue;
    std::optional<ItemType> type = ParseItemType(c.item_type);
    if (!type) {
      p.reject = "item_type must be connection, saved_query or query_history";
      continue;
    }
    std::optional<Action> action = ParseAction(c.action);
    if (!action) {
      p.reject = "action must be create, update or delete";
      continue;
    }
    p.type = *type;
    p.action = *action;
    if (p.action == Action::kDelete) {
      p.data = "{}";
      continue;
    }
    if (!c.data || !c.data->is_object()) {
      p.reject = "data must be an object";
      continue;
    }
    JsonValue data = *c.data;
    p.stripped = SanitizeItemData(p.type, data, {options_.sanitize_history});
    p.data = SerializeJson(data);
    if (p.data.size() > options_.max_item_bytes) {
      p.reject = "data is larger than " + std::to_string(options_.max_item_bytes / 1024) + " KiB";
    }
  }
  return out;
}

Result<UploadResult> SyncService::Upload(std::string_view user_id, const UploadRequest& request) {
  if (metrics_ != nullptr && request.payload_bytes > 0) {
    metrics_->ObserveSyncPayload("upload", static_cast<double>(request.payload_bytes));
  }
  Status invalid;
  if (request.device_id.empty() || request.device_id.size() > 128) {
    invalid = InvalidArgumentError("device_id is required (1-128 characters)");
  } else if (request.changes.size() > options_.max_changes) {
    invalid = ResourceExhaustedError("too many changes: at most " +
                                     std::to_string(options_.max_changes) + " per upload")
                  .WithReason(ApiReason::kPayloadTooLarge);
  }
  if (!invalid.ok()) {
    CountOperation("upload", invalid);
    return invalid;
  }
  std::vector<Prepared> prepared = Prepare(request);
  WriteSlot slot(*this, user_id);
  if (!slot.status().ok()) {
    CountOperation("upload", slot.status());
    return slot.status();
  }
  std::lock_guard lock(UserLock(user_id));
  for (int attempt = 0;; ++attempt) {
    bool retry = false;
    Result<UploadResult> result = UploadOnce(user_id, request, prepared, &retry);
    if (!retry) {
      CountOperation("upload", result.status());
      return result;
    }
    if (attempt + 1 == kMaxAttempts) {
      Status busy = UnavailableError("sync is busy for this account, try again").WithRetryAfter(1);
      CountOperation("upload", busy);
      return busy;
    }
    BackOff(attempt);
  }
}

Result<UploadResult> SyncService::UploadOnce(std::string_view user_id, const UploadRequest& request,
                                             const std::vector<Prepared>& prepared, bool* retry) {
  std::vector<storage::ItemKey> keys;
  std::vector<std::string> change_ids;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    if (!prepared[i].reject.empty()) continue;
    keys.push_back({request.changes[i].item_type, request.changes[i].item_id});
    change_ids.push_back(request.changes[i].change_id);
  }
  HOWLER_ASSIGN_OR_RETURN(storage::UploadState state,
                          store_.ReadUploadState(user_id, request.device_id, keys, change_ids));
  const std::int64_t now = clock_.NowMillis();
  const QuotaLimits& quota = options_.quotas.For(state.tier);

  std::map<Key, storage::SyncItemRecord> current;
  for (auto& item : state.items) current[{item.item_type, item.item_id}] = std::move(item);
  std::map<std::string, std::string> seen = std::move(state.seen_changes);

  UploadResult result;
  std::vector<storage::SyncItemRecord> writes;
  std::vector<std::pair<std::string, std::string>> recorded;
  std::map<std::string, std::int64_t> count_deltas;  // item_type -> live items added
  std::int64_t seq = state.last_seq;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    const ChangeInput& c = request.changes[i];
    const Prepared& p = prepared[i];
    ChangeOutcome o;
    o.index = i;
    o.change_id = c.change_id;
    o.item_type = c.item_type;
    o.item_id = c.item_id;
    o.stripped = p.stripped;
    if (!p.reject.empty()) {
      o.reason = p.reject;
      result.results.push_back(std::move(o));
      continue;
    }
    if (auto it = seen.find(c.change_id); it != seen.end()) {
      ApplyRecordedOutcome(it->second, o);
      result.results.push_back(std::move(o));
      continue;
    }
    const Key key{c.item_type, c.item_id};
    auto stored_it = current.find(key);
    std::optional<StoredVersion> stored;
    if (stored_it != current.end()) {
      stored = StoredVersion{stored_it->second.sync_version, stored_it->second.deleted,
                             stored_it->second.data};
    }
    Decided d = DecideChange(p.type, p.action, c.sync_version, p.data, stored);
    const bool makes_live = p.action != Action::kDelete && (!stored || stored->deleted);
    const std::string& type_name = c.item_type;
    if (d.decision == Decision::kApply && makes_live &&
        state.live_counts[type_name] + 1 > quota.For(p.type)) {
      o.reason = "quota exceeded: the " + state.tier + " plan keeps at most " +
                 std::to_string(quota.For(p.type)) + " " + QuotaName(p.type);
      result.results.push_back(std::move(o));
      continue;
    }
    if (d.decision == Decision::kApply) {
      storage::SyncItemRecord r;
      r.item_type = c.item_type;
      r.item_id = c.item_id;
      r.sync_version = d.new_version;
      r.deleted = p.action == Action::kDelete;
      r.data = r.deleted ? stored_it->second.data : p.data;
      r.device_id = request.device_id;
      r.seq = ++seq;
      r.created_at = stored ? stored_it->second.created_at : now;
      r.updated_at = now;
      if (r.deleted) r.deleted_at = now;
      const int delta = makes_live ? 1 : r.deleted ? -1 : 0;
      state.live_counts[type_name] += delta;
      count_deltas[type_name] += delta;
      current[key] = r;
      writes.push_back(std::move(r));
      o.status = OutcomeStatus::kApplied;
      o.sync_version = d.new_version;
      ++result.applied;
    } else if (d.decision == Decision::kUnchanged) {
      o.status = OutcomeStatus::kUnchanged;
      o.sync_version = stored ? stored->sync_version : 0;
    } else {
      const storage::SyncItemRecord& s = stored_it->second;
      storage::SyncConflictRecord conflict;
      conflict.id = NewUuidV7(FromUnixMillis(now));
      conflict.item_type = c.item_type;
      conflict.item_id = c.item_id;
      conflict.local = {p.data, p.action == Action::kDelete, c.sync_version, request.device_id,
                        now};
      conflict.remote = {s.data, s.deleted, s.sync_version, s.device_id, s.updated_at};
      conflict.detected_at = now;
      o.status = OutcomeStatus::kConflict;
      o.sync_version = s.sync_version;
      o.conflict_id = conflict.id;
      result.conflicts.push_back(std::move(conflict));
    }
    std::string encoded = EncodeOutcome(o);
    seen[c.change_id] = encoded;
    recorded.emplace_back(c.change_id, std::move(encoded));
    result.results.push_back(std::move(o));
  }

  if (!prepared.empty()) {
    std::vector<storage::Statement> batch =
        storage::SyncStore::GuardSequence(user_id, state.last_seq, seq);
    auto append = [&batch](std::vector<storage::Statement> more) {
      for (auto& s : more) batch.push_back(std::move(s));
    };
    append(storage::SyncStore::UpsertItems(user_id, writes));
    append(storage::SyncStore::InsertChangeIds(user_id, request.device_id, recorded, now));
    append(storage::SyncStore::InsertConflicts(user_id, result.conflicts));
    for (const auto& [type, delta] : count_deltas) {
      if (delta != 0) batch.push_back(storage::SyncStore::AddLiveCount(user_id, type, delta));
    }
    batch.push_back(
        storage::SyncStore::RecordUpload(user_id, request.device_id, now, result.applied));
    Status written = store_.Write(batch);
    if (written.code() == StatusCode::kFailedPrecondition ||
        written.code() == StatusCode::kAlreadyExists) {
      *retry = true;
      return written;
    }
    HOWLER_RETURN_IF_ERROR(written);
  }

  for (const ChangeOutcome& o : result.results) {
    if (o.status == OutcomeStatus::kRejected) ++result.rejected;
    if (metrics_ != nullptr) {
      metrics_->CountSyncChange(ParseItemType(o.item_type) ? o.item_type : "unknown",
                                OutcomeStatusName(o.status));
    }
  }
  if (metrics_ != nullptr) {
    for (std::size_t i = 0; i < result.conflicts.size(); ++i)
      metrics_->CountSyncConflict("detected");
  }
  result.synced_at = FromUnixMillis(now);
  result.cursor = Cursor{seq};
  return result;
}

}  // namespace howler::sync
