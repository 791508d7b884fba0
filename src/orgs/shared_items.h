// SharedItems: the client's connections and saved queries (API.md "Connections and
// queries"), personal or shared with one organization, as the sync items they are: a
// personal one lives in its owner's sync space, a shared one in the organization's
// (OrgService::SyncSpace), so sync carries both to every device that may see them. Every
// write goes through SyncService::Upload (device "web-api") with the item's current version,
// so it follows the sync rules (sanitizing: a password is never stored; versions;
// conflicts). Sharing moves the item, under the same id, into the organization's space
// (and unsharing back to its owner's): a create there and a delete (tombstone) here, two
// writes. The owner (data `owner_id`) may edit and delete their items; in an organization,
// owners and admins may edit and delete any (orgs/roles.h CanModifyResource).
//
// Thread-safe; the services and store must outlive it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "orgs/org_service.h"
#include "storage/sync_store.h"
#include "sync/json_value.h"
#include "sync/sync_service.h"

namespace howler::orgs {

struct SharedItem {
  storage::SyncItemRecord item;
  std::string organization_id;  // empty: personal
};

class SharedItems {
 public:
  SharedItems(OrgService& orgs, sync::SyncService& sync, storage::SyncStore& store,
              const Clock& clock);

  // `type` is "connection" or "saved_query".
  // The caller's personal items and those of every organization they belong to.
  Result<std::vector<SharedItem>> ListMine(const Caller& caller, std::string_view type);
  Result<std::vector<SharedItem>> ListOrg(const Caller& caller, std::string_view org_id,
                                          std::string_view type);
  // A new item (a fresh id) in the caller's space, or in `org_id`'s when given.
  Result<SharedItem> Create(const Caller& caller, std::string_view type, sync::JsonValue data,
                            std::string_view org_id);
  // Sets the members of `patch` on the item's data.
  Result<SharedItem> Update(const Caller& caller, std::string_view type, std::string_view id,
                            const sync::JsonValue& patch);
  Status Delete(const Caller& caller, std::string_view type, std::string_view id);
  Status Share(const Caller& caller, std::string_view type, std::string_view id,
               std::string_view org_id);
  Status Unshare(const Caller& caller, std::string_view type, std::string_view id);

 private:
  // Where the item lives and the caller's role there ("" for their own space).
  struct Located {
    SharedItem found;
    std::string key;   // the sync key of its space
    std::string role;  // the caller's role in the organization; "" when personal
  };
  Result<Located> Locate(const Caller& caller, std::string_view type, std::string_view id);
  Result<std::optional<storage::SyncItemRecord>> Find(const std::string& key, std::string_view type,
                                                      std::string_view id);
  Result<std::vector<storage::SyncItemRecord>> All(const std::string& key, std::string_view type);
  // One change through SyncService::Upload; OK only when applied.
  Result<storage::SyncItemRecord> Write(const std::string& key, std::string_view type,
                                        std::string_view id, std::string_view action,
                                        std::int64_t version, std::optional<sync::JsonValue> data);
  // Writes `data` as the item `id` of the space `key` (a move's arrival).
  Status Place(const std::string& key, std::string_view type, std::string_view id,
               sync::JsonValue data);
  Status CheckModify(const Caller& caller, const Located& at) const;
  void Audit(const Caller& caller, std::string_view org_id, std::string_view type,
             std::string_view what, std::string_view id);

  OrgService& orgs_;
  sync::SyncService& sync_;
  storage::SyncStore& store_;
  const Clock& clock_;
  UuidV7Generator ids_;
};

}  // namespace howler::orgs
