#include "orgs/shared_items.h"

#include <utility>

#include "common/log.h"
#include "orgs/roles.h"

namespace howler::orgs {
namespace {

constexpr std::string_view kDevice = "web-api";
constexpr int kPage = 1000;

Status CheckType(std::string_view type) {
  if (type == "connection" || type == "saved_query") return Status::Ok();
  return InvalidArgumentError("unknown item type");
}

std::string OwnerOf(const storage::SyncItemRecord& item) {
  auto data = sync::ParseJson(item.data);
  if (!data.ok()) return {};
  const sync::JsonValue* owner = data->Find("owner_id");
  return owner != nullptr && owner->is_string() ? owner->text() : std::string();
}

}  // namespace

SharedItems::SharedItems(OrgService& orgs, sync::SyncService& sync, storage::SyncStore& store,
                         const Clock& clock)
    : orgs_(orgs), sync_(sync), store_(store), clock_(clock) {}

Result<std::optional<storage::SyncItemRecord>> SharedItems::Find(const std::string& key,
                                                                 std::string_view type,
                                                                 std::string_view id) {
  HOWLER_ASSIGN_OR_RETURN(
      auto state, store_.ReadUploadState(key, kDevice, {{std::string(type), std::string(id)}}, {}));
  if (state.items.empty() || state.items[0].deleted) {
    return std::optional<storage::SyncItemRecord>();
  }
  return std::optional<storage::SyncItemRecord>(std::move(state.items[0]));
}

Result<std::vector<storage::SyncItemRecord>> SharedItems::All(const std::string& key,
                                                              std::string_view type) {
  std::vector<storage::SyncItemRecord> out;
  std::int64_t after = 0;
  for (int pages = 0; pages < 1000; ++pages) {
    HOWLER_ASSIGN_OR_RETURN(auto page, store_.ReadPage(key, after, std::nullopt, kPage));
    for (auto& item : page.items) {
      after = item.seq;
      if (!item.deleted && item.item_type == type) out.push_back(std::move(item));
    }
    if (static_cast<int>(page.items.size()) < kPage) break;
  }
  return out;
}

Result<std::vector<SharedItem>> SharedItems::ListMine(const Caller& caller, std::string_view type) {
  HOWLER_RETURN_IF_ERROR(CheckType(type));
  std::vector<SharedItem> out;
  HOWLER_ASSIGN_OR_RETURN(auto own, All(caller.user_id, type));
  for (auto& item : own) out.push_back({std::move(item), ""});
  HOWLER_ASSIGN_OR_RETURN(auto orgs, orgs_.List(caller));
  for (const auto& view : orgs) {
    HOWLER_ASSIGN_OR_RETURN(auto shared, All(view.organization.id, type));
    for (auto& item : shared) out.push_back({std::move(item), view.organization.id});
  }
  return out;
}

Result<std::vector<SharedItem>> SharedItems::ListOrg(const Caller& caller, std::string_view org_id,
                                                     std::string_view type) {
  HOWLER_RETURN_IF_ERROR(CheckType(type));
  HOWLER_ASSIGN_OR_RETURN(std::string key,
                          orgs_.SyncSpace(caller, org_id, OrgService::SpaceUse::kRead));
  HOWLER_ASSIGN_OR_RETURN(auto items, All(key, type));
  std::vector<SharedItem> out;
  for (auto& item : items) out.push_back({std::move(item), key});
  return out;
}

Result<storage::SyncItemRecord> SharedItems::Write(const std::string& key, std::string_view type,
                                                   std::string_view id, std::string_view action,
                                                   std::int64_t version,
                                                   std::optional<sync::JsonValue> data) {
  sync::UploadRequest request;
  request.device_id = std::string(kDevice);
  sync::ChangeInput change;
  change.change_id = ids_.Next(clock_.Now());
  change.item_type = std::string(type);
  change.item_id = std::string(id);
  change.action = std::string(action);
  change.sync_version = version;
  change.data = std::move(data);
  request.changes.push_back(std::move(change));
  HOWLER_ASSIGN_OR_RETURN(auto result, sync_.Upload(key, std::move(request)));
  const sync::ChangeOutcome& outcome = result.results.at(0);
  switch (outcome.status) {
    case sync::OutcomeStatus::kApplied:
    case sync::OutcomeStatus::kUnchanged:
      break;
    case sync::OutcomeStatus::kConflict:
    case sync::OutcomeStatus::kDuplicate:
      return AlreadyExistsError("the item changed meanwhile; reload it and try again");
    case sync::OutcomeStatus::kRejected:
      return InvalidArgumentError(outcome.reason.empty() ? "the item was rejected"
                                                         : outcome.reason);
  }
  if (action == "delete") return storage::SyncItemRecord{};
  HOWLER_ASSIGN_OR_RETURN(auto stored, Find(key, type, id));
  if (!stored) return InternalError("the item vanished after its write");
  return std::move(*stored);
}

Status SharedItems::Place(const std::string& key, std::string_view type, std::string_view id,
                          sync::JsonValue data) {
  // A create, or an update over the tombstone an earlier move left there.
  HOWLER_ASSIGN_OR_RETURN(
      auto state, store_.ReadUploadState(key, kDevice, {{std::string(type), std::string(id)}}, {}));
  const std::int64_t version = state.items.empty() ? 0 : state.items[0].sync_version;
  return Write(key, type, id, version == 0 ? "create" : "update", version, std::move(data))
      .status();
}

Result<SharedItem> SharedItems::Create(const Caller& caller, std::string_view type,
                                       sync::JsonValue data, std::string_view org_id) {
  HOWLER_RETURN_IF_ERROR(CheckType(type));
  std::string key = caller.user_id;
  if (!org_id.empty()) {
    HOWLER_ASSIGN_OR_RETURN(key, orgs_.SyncSpace(caller, org_id, OrgService::SpaceUse::kWrite));
  }
  data.Set("owner_id", sync::JsonValue::String(caller.user_id));
  const std::string id = ids_.Next(clock_.Now());
  HOWLER_ASSIGN_OR_RETURN(auto item, Write(key, type, id, "create", 0, std::move(data)));
  if (!org_id.empty()) Audit(caller, org_id, type, "created", id);
  return SharedItem{std::move(item), org_id.empty() ? std::string() : key};
}

Result<SharedItems::Located> SharedItems::Locate(const Caller& caller, std::string_view type,
                                                 std::string_view id) {
  HOWLER_RETURN_IF_ERROR(CheckType(type));
  HOWLER_ASSIGN_OR_RETURN(auto own, Find(caller.user_id, type, id));
  if (own) return Located{{std::move(*own), ""}, caller.user_id, ""};
  HOWLER_ASSIGN_OR_RETURN(auto orgs, orgs_.List(caller));
  for (const auto& view : orgs) {
    HOWLER_ASSIGN_OR_RETURN(auto found, Find(view.organization.id, type, id));
    if (found) {
      return Located{{std::move(*found), view.organization.id}, view.organization.id, view.role};
    }
  }
  return NotFoundError(type == "connection" ? "connection not found" : "query not found");
}

Status SharedItems::CheckModify(const Caller& caller, const Located& at) const {
  if (at.role.empty()) return Status::Ok();  // the caller's own space
  const Role role = ParseRole(at.role).value_or(Role::kMember);
  if (CanModifyResource(role, OwnerOf(at.found.item), caller.user_id)) return Status::Ok();
  return PermissionDeniedError("only its owner or an admin may change this item");
}

void SharedItems::Audit(const Caller& caller, std::string_view org_id, std::string_view type,
                        std::string_view what, std::string_view id) {
  const std::string resource = type == "connection" ? "connection" : "query";
  Status s = orgs_.RecordSharing(caller, org_id, resource + "." + std::string(what), resource,
                                 std::string(id));
  if (!s.ok()) log::Warn("audit entry of a sharing change failed", {{"error", s.ToString()}});
}

Result<SharedItem> SharedItems::Update(const Caller& caller, std::string_view type,
                                       std::string_view id, const sync::JsonValue& patch) {
  HOWLER_ASSIGN_OR_RETURN(Located at, Locate(caller, type, id));
  HOWLER_RETURN_IF_ERROR(CheckModify(caller, at));
  HOWLER_ASSIGN_OR_RETURN(sync::JsonValue data, sync::ParseJson(at.found.item.data));
  for (const auto& member : patch.members()) {
    if (member.key == "owner_id") continue;
    data.Set(member.key, member.value);
  }
  HOWLER_ASSIGN_OR_RETURN(
      auto item, Write(at.key, type, id, "update", at.found.item.sync_version, std::move(data)));
  if (!at.found.organization_id.empty())
    Audit(caller, at.found.organization_id, type, "updated", id);
  return SharedItem{std::move(item), at.found.organization_id};
}

Status SharedItems::Delete(const Caller& caller, std::string_view type, std::string_view id) {
  HOWLER_ASSIGN_OR_RETURN(Located at, Locate(caller, type, id));
  HOWLER_RETURN_IF_ERROR(CheckModify(caller, at));
  HOWLER_RETURN_IF_ERROR(
      Write(at.key, type, id, "delete", at.found.item.sync_version, std::nullopt).status());
  if (!at.found.organization_id.empty())
    Audit(caller, at.found.organization_id, type, "deleted", id);
  return Status::Ok();
}

Status SharedItems::Share(const Caller& caller, std::string_view type, std::string_view id,
                          std::string_view org_id) {
  HOWLER_ASSIGN_OR_RETURN(Located at, Locate(caller, type, id));
  if (!at.role.empty())
    return FailedPreconditionError("the item is already shared; unshare it first");
  HOWLER_ASSIGN_OR_RETURN(std::string key,
                          orgs_.SyncSpace(caller, org_id, OrgService::SpaceUse::kWrite));
  HOWLER_ASSIGN_OR_RETURN(sync::JsonValue data, sync::ParseJson(at.found.item.data));
  HOWLER_RETURN_IF_ERROR(Place(key, type, id, std::move(data)));
  HOWLER_RETURN_IF_ERROR(
      Write(at.key, type, id, "delete", at.found.item.sync_version, std::nullopt).status());
  Audit(caller, org_id, type, "shared", id);
  return Status::Ok();
}

Status SharedItems::Unshare(const Caller& caller, std::string_view type, std::string_view id) {
  HOWLER_ASSIGN_OR_RETURN(Located at, Locate(caller, type, id));
  if (at.role.empty()) return FailedPreconditionError("the item is not shared");
  HOWLER_RETURN_IF_ERROR(CheckModify(caller, at));
  std::string owner = OwnerOf(at.found.item);
  if (owner.empty()) owner = caller.user_id;
  HOWLER_ASSIGN_OR_RETURN(sync::JsonValue data, sync::ParseJson(at.found.item.data));
  HOWLER_RETURN_IF_ERROR(Place(owner, type, id, std::move(data)));
  HOWLER_RETURN_IF_ERROR(
      Write(at.key, type, id, "delete", at.found.item.sync_version, std::nullopt).status());
  Audit(caller, at.found.organization_id, type, "unshared", id);
  return Status::Ok();
}

}  // namespace howler::orgs
