// SyncService::ResolveConflict: applies one of API.md's three strategies as a new
// versioned change (or two, for keep_both), atomically with marking the conflict resolved;
// written through the UserWriteRunner like uploads.
#include "common/ids.h"
#include "common/time_format.h"
#include "metrics/metrics.h"
#include "sync/data_sanitizer.h"
#include "sync/live_notifier.h"
#include "sync/sync_service.h"

namespace howler::sync {
namespace {

Status ValidateResolve(const ResolveRequest& r) {
  if (r.strategy != "last_write_wins" && r.strategy != "keep_both" && r.strategy != "user_choice") {
    return InvalidArgumentError("strategy must be last_write_wins, keep_both or user_choice");
  }
  if (r.chosen_version && *r.chosen_version != "local" && *r.chosen_version != "remote") {
    return InvalidArgumentError("chosen_version must be local or remote");
  }
  if (r.strategy == "user_choice" && !r.chosen_version && !r.merged_data) {
    return InvalidArgumentError("chosen_version (local or remote) or merged_data is required");
  }
  if (r.merged_data && !r.merged_data->is_object()) {
    return InvalidArgumentError("merged_data must be an object");
  }
  if (r.device_id) {
    HOWLER_RETURN_IF_ERROR(CheckDeviceId(*r.device_id));
  }
  return Status::Ok();
}

enum class Chosen { kLocal, kRemote, kMerged };

// The side that wins, before keep_both adds its copy.
Chosen Choose(const ResolveRequest& r, const storage::SyncConflictRecord& c, bool merged) {
  if (r.strategy == "user_choice") {
    if (merged) return Chosen::kMerged;
    return *r.chosen_version == "local" ? Chosen::kLocal : Chosen::kRemote;
  }
  if (r.strategy == "last_write_wins") {
    return c.local.updated_at > c.remote.updated_at ? Chosen::kLocal : Chosen::kRemote;
  }
  return Chosen::kRemote;  // keep_both
}

// The local side's data with " (conflict copy)" appended to its name.
std::string CopyData(const std::string& local_data) {
  Result<JsonValue> data = ParseJson(local_data);
  JsonValue object = data.ok() && data->is_object() ? std::move(*data) : JsonValue::Object();
  JsonValue* name = object.Find("name");
  std::string base = name != nullptr && name->is_string() ? name->text() : "Untitled";
  object.Set("name", JsonValue::String(base + " (conflict copy)"));
  return SerializeJson(object);
}

}  // namespace

Result<ResolveResult> SyncService::ResolveConflict(std::string_view user_id,
                                                   const ResolveRequest& request) {
  Status valid = ValidateResolve(request);
  if (!valid.ok()) {
    CountOperation("resolve", valid);
    return valid;
  }
  std::optional<std::string> merged_text;
  if (request.merged_data) {
    JsonValue merged = *request.merged_data;
    // The item type is not known yet; every type's secret rule is the same.
    SanitizeItemData(ItemType::kConnection, merged, {});
    merged_text = SerializeJson(merged);
  }
  Result<ResolveResult> result = writes_.Run<ResolveResult>(
      user_id, [&] { return PlanResolve(user_id, request, merged_text); });
  CountOperation("resolve", result.status());
  if (result.ok() && metrics_ != nullptr) metrics_->CountSyncConflict(request.strategy);
  if (result.ok() && live_ != nullptr) live_->Changed(user_id, result->item.device_id);
  return result;
}

Result<SyncService::Plan<ResolveResult>> SyncService::PlanResolve(
    std::string_view user_id, const ResolveRequest& request,
    const std::optional<std::string>& merged_text) {
  HOWLER_ASSIGN_OR_RETURN(storage::ResolveState state,
                          store_.ReadResolveState(user_id, request.conflict_id));
  if (!state.conflict) return NotFoundError("conflict not found");
  const storage::SyncConflictRecord& c = *state.conflict;
  if (c.resolved_at) {
    return FailedPreconditionError("conflict is already resolved").WithReason(ApiReason::kConflict);
  }
  const std::int64_t now = clock_.NowMillis();
  const Chosen chosen = Choose(request, c, merged_text.has_value());
  const storage::ConflictSide winner =
      chosen == Chosen::kMerged
          ? storage::ConflictSide{*merged_text, false, 0, c.local.device_id, now}
      : chosen == Chosen::kLocal ? c.local
                                 : c.remote;
  std::int64_t seq = state.last_seq;

  storage::SyncItemRecord item;
  item.item_type = c.item_type;
  item.item_id = c.item_id;
  item.data = winner.data;
  item.deleted = winner.deleted;
  item.sync_version = (state.item ? state.item->sync_version : 0) + 1;
  item.device_id = request.device_id.value_or(c.local.device_id);
  item.seq = ++seq;
  item.created_at = state.item ? state.item->created_at : now;
  item.updated_at = now;
  if (item.deleted) item.deleted_at = now;
  std::vector<storage::SyncItemRecord> writes = {item};

  ResolveResult result;
  if (request.strategy == "keep_both" && !c.local.deleted) {
    storage::SyncItemRecord copy = item;
    copy.item_id = NewUuidV7(FromUnixMillis(now));
    copy.data = CopyData(c.local.data);
    copy.deleted = false;
    copy.deleted_at.reset();
    copy.sync_version = 1;
    copy.seq = ++seq;
    copy.created_at = now;
    writes.push_back(copy);
    result.copy = std::move(copy);
  }
  std::vector<storage::Statement> batch =
      storage::SyncStore::GuardSequence(user_id, state.last_seq, seq, now);
  for (auto& s : storage::SyncStore::UpsertItems(user_id, writes)) batch.push_back(std::move(s));
  if (state.item) {  // the replaced version's change id stays a duplicate when replayed
    if (auto archived = ArchivedChangeId(*state.item)) {
      const storage::ChangeIdRecord records[] = {std::move(*archived)};
      for (auto& s : storage::SyncStore::ArchiveChangeIds(user_id, records, now)) {
        batch.push_back(std::move(s));
      }
    }
  }
  const int live_before = state.item && !state.item->deleted ? 1 : 0;
  const int live_delta = (item.deleted ? 0 : 1) - live_before + (result.copy ? 1 : 0);
  if (live_delta != 0) {
    batch.push_back(storage::SyncStore::AddLiveCount(user_id, c.item_type, live_delta));
  }
  batch.push_back(storage::SyncStore::MarkResolved(user_id, c.id, now, request.strategy));

  result.resolved_at = FromUnixMillis(now);
  result.item = std::move(item);
  result.message = result.copy                 ? "Kept the server version and saved yours as a copy"
                   : chosen == Chosen::kMerged ? "Saved the merged version"
                   : chosen == Chosen::kLocal  ? "Kept your version"
                                               : "Kept the server version";
  return Plan<ResolveResult>{std::move(batch), std::move(result)};
}

}  // namespace howler::sync
