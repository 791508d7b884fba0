// SyncService::Upload: validation and sanitizing (Prepare), then attempts of reading and
// deciding (PlanUpload) whose batch the UserWriteRunner writes, retrying stale ones.
#include <map>
#include <set>

#include "common/ids.h"
#include "common/json_text.h"
#include "common/time_format.h"
#include "common/utf8.h"
#include "metrics/metrics.h"
#include "sync/data_sanitizer.h"
#include "sync/desktop_rules.h"
#include "sync/live_notifier.h"
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

std::string ValidateIds(const ChangeInput& c) {
  if (!c.problem.empty()) return c.problem;
  if (c.change_id.empty()) return "id (the change id) is required";
  if (c.change_id.size() > kMaxIdBytes) return "id is longer than 256 bytes";
  if (!IsCleanText(c.change_id)) return "id must be text without control characters";
  if (c.item_id.empty()) return "item_id is required";
  if (c.item_id.size() > kMaxIdBytes) return "item_id is longer than 256 bytes";
  if (!IsCleanText(c.item_id)) return "item_id must be text without control characters";
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
    case ItemType::kReport:
      return "reports";
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

// The outcomes of one upload attempt, decided in order against what its reads returned
// (later changes see the effect of earlier ones), and the write batch that applies them.
class UploadPlan {
 public:
  UploadPlan(storage::UploadState state, const QuotaLimits& quota, std::string device_id,
             std::int64_t now, UploadRules rules)
      : state_(std::move(state)),
        quota_(quota),
        device_id_(std::move(device_id)),
        now_(now),
        rules_(rules),
        seq_(state_.last_seq) {
    for (auto& item : state_.items) current_[{item.item_type, item.item_id}] = std::move(item);
    for (auto& held : state_.device_items) held_[{held.item_type, held.item_id}] = std::move(held);
    for (auto& offer : state_.device_offers) {
      offers_[{offer.item_type, offer.item_id}] = std::move(offer);
    }
  }

  void Add(std::size_t index, const ChangeInput& c, const SyncService::Prepared& p) {
    ChangeOutcome o;
    o.index = index;
    o.change_id = c.change_id;
    o.item_type = c.item_type;
    o.item_id = c.item_id;
    o.stripped = p.stripped;
    if (!p.reject.empty()) {
      o.reason = p.reject;
    } else if (rules_ == UploadRules::kDesktop) {
      DecideDesktop(c, p, o);
    } else if (auto it = state_.seen_changes.find(c.change_id); it != state_.seen_changes.end()) {
      ApplyRecordedOutcome(it->second, o);
    } else if (const storage::SyncItemRecord* item = WrittenBy(c)) {
      o.status = OutcomeStatus::kDuplicate;  // the item's current version is this change's
      o.first_status = std::string(OutcomeStatusName(OutcomeStatus::kApplied));
      o.sync_version = item->sync_version;
    } else {
      Decide(c, p, o);
      if (o.status != OutcomeStatus::kRejected) Record(c.change_id, o);
    }
    result_.results.push_back(std::move(o));
  }

  // The guarded batch: items, change ids, conflicts, live counts, the device's upload.
  std::vector<storage::Statement> Batch(std::string_view user_id) const {
    std::vector<storage::Statement> batch =
        storage::SyncStore::GuardSequence(user_id, state_.last_seq, seq_, now_);
    auto append = [&batch](std::vector<storage::Statement> more) {
      for (auto& s : more) batch.push_back(std::move(s));
    };
    append(storage::SyncStore::UpsertItems(user_id, writes_));
    append(storage::SyncStore::InsertChangeIds(user_id, recorded_, now_));
    append(storage::SyncStore::ArchiveChangeIds(user_id, archived_, now_));
    append(storage::SyncStore::InsertConflicts(user_id, result_.conflicts));
    append(storage::SyncStore::UpsertDeviceItems(user_id, device_id_, held_writes_));
    for (const storage::ItemKey& key : offer_deletes_) {
      batch.push_back(storage::SyncStore::DeleteOffer(user_id, device_id_, key));
    }
    for (const auto& [type, delta] : count_deltas_) {
      if (delta != 0) batch.push_back(storage::SyncStore::AddLiveCount(user_id, type, delta));
    }
    batch.push_back(storage::SyncStore::RecordUpload(user_id, device_id_, now_, result_.applied));
    return batch;
  }

  UploadResult TakeResult() {
    result_.synced_at = FromUnixMillis(now_);
    result_.cursor = Cursor{seq_};
    return std::move(result_);
  }

 private:
  void Decide(const ChangeInput& c, const SyncService::Prepared& p, ChangeOutcome& o) {
    const Key key{c.item_type, c.item_id};
    const auto stored_it = current_.find(key);
    const storage::SyncItemRecord* stored =
        stored_it == current_.end() ? nullptr : &stored_it->second;
    std::optional<StoredVersion> version;
    if (stored) version = StoredVersion{stored->sync_version, stored->deleted, stored->data};
    const Decided d = DecideChange(p.type, p.action, c.sync_version, p.data, version);
    if (d.decision == Decision::kUnchanged) {
      o.status = OutcomeStatus::kUnchanged;
      o.sync_version = stored ? stored->sync_version : 0;
    } else if (d.decision == Decision::kConflict) {
      AddConflict(c, p, *stored, o);
    } else {
      Apply(c, p, stored, d.new_version, o);
    }
  }

  // UploadRules::kDesktop (desktop_rules.h), and what the device now holds.
  void DecideDesktop(const ChangeInput& c, const SyncService::Prepared& p, ChangeOutcome& o) {
    const Key key{c.item_type, c.item_id};
    const auto stored_it = current_.find(key);
    const storage::SyncItemRecord* stored =
        stored_it == current_.end() ? nullptr : &stored_it->second;
    const auto held_it = held_.find(key);
    std::optional<storage::DeviceItemRecord> held;
    if (held_it != held_.end()) held = held_it->second;
    const std::optional<storage::DeviceItemRecord> stored_held = held;
    // Sending back the version a download offered confirms that the device stored it.
    if (auto offer = offers_.find(key); offer != offers_.end()) {
      if (offer->second.held_version == c.sync_version) {
        held = storage::DeviceItemRecord{c.item_type, c.item_id, offer->second.held_version,
                                         offer->second.seen_version,
                                         held ? held->sent_hash : std::string()};
      }
      offers_.erase(offer);
      offer_deletes_.push_back({c.item_type, c.item_id});
    }
    const std::string hash = DesktopDataHash(p.data);
    std::optional<StoredEdit> version;
    if (stored) {
      version = StoredEdit{stored->sync_version, stored->deleted, stored->data, stored->EditTime()};
    }
    std::optional<DeviceView> device;
    if (held) device = DeviceView{held->seen_version, held->sent_hash};
    const DesktopDecided d =
        DecideDesktopEdit({p.type, p.data, hash, c.edited_at}, device, version);
    std::int64_t seen = held ? held->seen_version : 0;
    switch (d.decision) {
      case DesktopDecision::kUnchanged:
        o.status = OutcomeStatus::kUnchanged;
        o.sync_version = stored ? stored->sync_version : 0;
        seen = o.sync_version;
        break;
      case DesktopDecision::kResent:
        o.status = OutcomeStatus::kUnchanged;
        o.sync_version = stored->sync_version;
        break;
      case DesktopDecision::kConflictKept:
        AddConflict(c, p, *stored, o);
        break;
      case DesktopDecision::kConflictApplied: {
        const storage::SyncItemRecord loser = *stored;
        Apply(c, p, stored, d.new_version, o);
        if (o.status != OutcomeStatus::kApplied) return;  // over the quota: rejected
        AddConflict(c, p, loser, o);                      // counted as applied too
        o.sync_version = d.new_version;
        o.won = true;
        seen = d.new_version;
        break;
      }
      case DesktopDecision::kApply:
        Apply(c, p, stored, d.new_version, o);
        if (o.status != OutcomeStatus::kApplied) return;
        seen = d.new_version;
        break;
    }
    storage::DeviceItemRecord now_held{c.item_type, c.item_id, c.sync_version, seen, hash};
    if (!stored_held || !(*stored_held == now_held)) {
      held_[key] = now_held;
      held_writes_.push_back(std::move(now_held));
    }
  }

  void Apply(const ChangeInput& c, const SyncService::Prepared& p,
             const storage::SyncItemRecord* stored, std::int64_t version, ChangeOutcome& o) {
    const bool deletes = p.action == Action::kDelete;
    const int delta = !deletes && (!stored || stored->deleted) ? 1 : deletes ? -1 : 0;
    std::int64_t& live = state_.live_counts[c.item_type];
    if (delta > 0 && live + 1 > quota_.For(p.type)) {
      o.reason = "quota exceeded: the " + state_.tier + " plan keeps at most " +
                 std::to_string(quota_.For(p.type)) + " " + QuotaName(p.type);
      return;
    }
    if (stored != nullptr) ArchiveChangeId(*stored);
    storage::SyncItemRecord r;
    r.item_type = c.item_type;
    r.item_id = c.item_id;
    r.sync_version = version;
    r.deleted = deletes;
    r.data = deletes ? stored->data : p.data;  // a delete applies only to a stored item
    r.device_id = device_id_;
    r.seq = ++seq_;
    r.created_at = stored ? stored->created_at : now_;
    r.updated_at = now_;
    if (deletes) r.deleted_at = now_;
    if (rules_ == UploadRules::kDesktop) r.edited_at = c.edited_at;
    if (rules_ == UploadRules::kVersions) r.change_id = c.change_id;
    live += delta;
    count_deltas_[c.item_type] += delta;
    current_[{c.item_type, c.item_id}] = r;
    writes_.push_back(std::move(r));
    o.status = OutcomeStatus::kApplied;
    o.sync_version = version;
    ++result_.applied;
  }

  void AddConflict(const ChangeInput& c, const SyncService::Prepared& p,
                   const storage::SyncItemRecord& s, ChangeOutcome& o) {
    storage::SyncConflictRecord conflict;
    conflict.id = NewUuidV7(FromUnixMillis(now_));
    conflict.item_type = c.item_type;
    conflict.item_id = c.item_id;
    const std::int64_t edited = rules_ == UploadRules::kDesktop ? c.edited_at : now_;
    conflict.local = {p.data, p.action == Action::kDelete, c.sync_version, device_id_, edited};
    conflict.remote = {s.data, s.deleted, s.sync_version, s.device_id, s.EditTime()};
    conflict.detected_at = now_;
    o.status = OutcomeStatus::kConflict;
    o.sync_version = s.sync_version;
    o.conflict_id = conflict.id;
    result_.conflicts.push_back(std::move(conflict));
  }

  // Remembers the outcome of a change id (a replay in this upload is a duplicate too). An
  // applied change's id is kept in its item row instead of sync_change_ids (see
  // ArchiveChangeId).
  void Record(const std::string& change_id, const ChangeOutcome& o) {
    std::string encoded = EncodeOutcome(o);
    if (o.status != OutcomeStatus::kApplied) {
      recorded_.push_back({device_id_, change_id, encoded});
    }
    state_.seen_changes[change_id] = std::move(encoded);
  }

  // The stored item whose current version change `c` of this device wrote, if any.
  const storage::SyncItemRecord* WrittenBy(const ChangeInput& c) const {
    const auto it = current_.find({c.item_type, c.item_id});
    if (it == current_.end() || c.change_id.empty()) return nullptr;
    const storage::SyncItemRecord& item = it->second;
    return item.change_id == c.change_id && item.device_id == device_id_ ? &item : nullptr;
  }

  // Before `replaced` is overwritten: the change id that wrote it moves to sync_change_ids
  // with its outcome, so that a later replay of that change is still a duplicate (in this
  // upload too, when this device wrote it).
  void ArchiveChangeId(const storage::SyncItemRecord& replaced) {
    std::optional<storage::ChangeIdRecord> record = SyncService::ArchivedChangeId(replaced);
    if (!record) return;
    if (record->device_id == device_id_) state_.seen_changes[record->change_id] = record->outcome;
    archived_.push_back(std::move(*record));
  }

  storage::UploadState state_;
  const QuotaLimits& quota_;
  const std::string device_id_;
  const std::int64_t now_;
  const UploadRules rules_;
  std::int64_t seq_;
  std::map<Key, storage::SyncItemRecord> current_;
  std::map<Key, storage::DeviceItemRecord> held_;  // kDesktop: what the device holds
  std::vector<storage::DeviceItemRecord> held_writes_;
  std::map<Key, storage::DeviceOfferRecord> offers_;  // kDesktop: sent, not yet confirmed
  std::vector<storage::ItemKey> offer_deletes_;
  std::vector<storage::SyncItemRecord> writes_;
  std::vector<storage::ChangeIdRecord> recorded_;     // outcomes for sync_change_ids
  std::vector<storage::ChangeIdRecord> archived_;     // ids of replaced versions
  std::map<std::string, std::int64_t> count_deltas_;  // item_type -> live items added
  UploadResult result_;
};

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

std::vector<SyncService::Prepared> SyncService::Prepare(UploadRequest& request) const {
  std::vector<Prepared> out(request.changes.size());
  for (std::size_t i = 0; i < request.changes.size(); ++i) {
    ChangeInput& c = request.changes[i];
    Prepared& p = out[i];
    p.reject = ValidateIds(c);
    if (!p.reject.empty()) continue;
    std::optional<ItemType> type = ParseItemType(c.item_type);
    if (!type) {
      p.reject = "item_type must be connection, saved_query, query_history or report";
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
    JsonValue data = std::move(*c.data);
    c.data.reset();
    p.stripped = SanitizeItemData(p.type, data, {options_.sanitize_history});
    p.data = SerializeJson(data);
    if (p.data.size() > options_.max_item_bytes) {
      p.reject = "data is larger than " + std::to_string(options_.max_item_bytes / 1024) + " KiB";
    }
  }
  return out;
}

Result<UploadResult> SyncService::Upload(std::string_view user_id, UploadRequest request) {
  if (metrics_ != nullptr && request.payload_bytes > 0) {
    metrics_->ObserveSyncPayload("upload", static_cast<double>(request.payload_bytes));
  }
  Status invalid;
  if (Status device = CheckDeviceId(request.device_id); !device.ok()) {
    invalid = device;
  } else if (request.changes.size() > options_.max_changes) {
    invalid = ResourceExhaustedError("too many changes: at most " +
                                     std::to_string(options_.max_changes) + " per upload")
                  .WithReason(ApiReason::kPayloadTooLarge);
  }
  if (!invalid.ok()) {
    CountOperation("upload", invalid);
    return invalid;
  }
  const std::vector<Prepared> prepared = Prepare(request);
  Result<UploadResult> result =
      writes_.Run<UploadResult>(user_id, [&] { return PlanUpload(user_id, request, prepared); });
  if (result.ok()) {
    FinishUpload(*result);
    if (live_ != nullptr && (result->applied > 0 || !result->conflicts.empty())) {
      live_->Changed(user_id, request.device_id);
    }
  }
  CountOperation("upload", result.status());
  return result;
}

Result<SyncService::Plan<UploadResult>> SyncService::PlanUpload(
    std::string_view user_id, const UploadRequest& request, const std::vector<Prepared>& prepared) {
  std::vector<storage::ItemKey> keys;
  std::vector<std::string> change_ids;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    if (!prepared[i].reject.empty()) continue;
    keys.push_back({request.changes[i].item_type, request.changes[i].item_id});
    if (request.rules == UploadRules::kVersions) {
      change_ids.push_back(request.changes[i].change_id);
    }
  }
  const bool desktop = request.rules == UploadRules::kDesktop;
  HOWLER_ASSIGN_OR_RETURN(
      storage::UploadState state,
      store_.ReadUploadState(user_id, request.device_id, keys, change_ids, desktop));
  const std::int64_t now = clock_.NowMillis();
  const QuotaLimits& quota = options_.quotas.For(state.tier);
  UploadPlan plan(std::move(state), quota, request.device_id, now, request.rules);
  for (std::size_t i = 0; i < prepared.size(); ++i) plan.Add(i, request.changes[i], prepared[i]);
  Plan<UploadResult> out;
  if (!prepared.empty()) out.batch = plan.Batch(user_id);
  out.result = plan.TakeResult();
  return out;
}

std::optional<storage::ChangeIdRecord> SyncService::ArchivedChangeId(
    const storage::SyncItemRecord& replaced) {
  if (replaced.change_id.empty()) return std::nullopt;
  ChangeOutcome applied;
  applied.status = OutcomeStatus::kApplied;
  applied.sync_version = replaced.sync_version;
  return storage::ChangeIdRecord{replaced.device_id, replaced.change_id, EncodeOutcome(applied)};
}

void SyncService::FinishUpload(UploadResult& result) {
  for (const ChangeOutcome& o : result.results) {
    if (o.status == OutcomeStatus::kRejected) ++result.rejected;
    if (metrics_ != nullptr) {
      metrics_->CountSyncChange(ParseItemType(o.item_type) ? o.item_type : "unknown",
                                OutcomeStatusName(o.status));
    }
  }
  if (metrics_ != nullptr) {
    for (std::size_t i = 0; i < result.conflicts.size(); ++i) {
      metrics_->CountSyncConflict("detected");
    }
  }
  result.message = "Synced " + std::to_string(result.applied) + " items, " +
                   std::to_string(result.conflicts.size()) + " conflicts, " +
                   std::to_string(result.rejected) + " rejected";
}

}  // namespace howler::sync
