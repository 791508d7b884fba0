#include "support/sync_ledger.h"

#include <algorithm>

namespace howler::testing {
namespace json = boost::json;

namespace {

std::string KeyText(const ItemKey& key) {
  return key.first + "/" + key.second;
}

std::string StateText(const ItemState& s) {
  return "v" + std::to_string(s.version) + (s.deleted ? " deleted" : " " + json::serialize(s.data));
}

std::int64_t VersionOf(const json::value* v) {
  if (v == nullptr) return -1;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return -1;
}

}  // namespace

std::vector<std::pair<ItemKey, ItemState>> ItemsOfDownload(const json::object& page,
                                                           const std::string& user,
                                                           const std::set<std::string>& users,
                                                           std::vector<std::string>& anomalies) {
  std::vector<std::pair<ItemKey, ItemState>> out;
  const std::pair<const char*, const char*> collections[] = {{"connections", "connection"},
                                                             {"saved_queries", "saved_query"}};
  for (const auto& [collection, type] : collections) {
    const auto* items = page.if_contains(collection);
    if (items == nullptr || !items->is_array()) continue;
    for (const auto& v : items->get_array()) {
      if (!v.is_object()) continue;
      json::object data = v.get_object();
      const json::value* id = data.if_contains("id");
      ItemKey key{type, id && id->is_string() ? std::string(id->get_string()) : "?"};
      ItemState state;
      state.version = VersionOf(data.if_contains("sync_version"));
      for (const char* server_field :
           {"id", "sync_version", "updated_at", "device_id", "user_id"}) {
        data.erase(server_field);
      }
      const json::value* owner = data.if_contains("owner");
      if (owner == nullptr || !owner->is_string() || owner->get_string() != user) {
        anomalies.push_back(user + " saw " + KeyText(key) +
                            " of another user: " + json::serialize(data));
      }
      state.data = std::move(data);
      out.emplace_back(std::move(key), std::move(state));
    }
  }
  if (const auto* deleted = page.if_contains("deleted"); deleted && deleted->is_array()) {
    for (const auto& t : deleted->get_array()) {
      const json::object& o = t.as_object();
      ItemKey key{std::string(o.at("item_type").as_string()),
                  std::string(o.at("item_id").as_string())};
      for (const std::string& other : users) {
        if (other != user && key.second.rfind(other + "-", 0) == 0) {
          anomalies.push_back(user + " saw the tombstone of " + KeyText(key) + " of " + other);
        }
      }
      out.emplace_back(std::move(key),
                       ItemState{VersionOf(o.if_contains("sync_version")), true, {}});
    }
  }
  return out;
}

void SyncLedger::Acknowledged(const std::string& user, const std::string& change_id,
                              const ItemKey& key, std::int64_t version, const ItemState& state) {
  const std::string id = user + "/" + change_id;
  const auto [it, inserted] = change_versions_.emplace(id, version);
  if (!inserted) {
    if (it->second != version) {
      anomalies_.push_back("change " + id + " acknowledged with versions " +
                           std::to_string(it->second) + " and " + std::to_string(version));
    }
    return;
  }
  ItemState acked = state;
  acked.version = version;
  users_[user].acks[key].push_back({version, std::move(acked)});
}

void SyncLedger::Resolved(const std::string& user, const std::string& conflict_id,
                          const ItemKey& key, const ItemState& state) {
  UserLedger& u = users_[user];
  u.in_doubt.erase(conflict_id);
  if (!u.resolved.insert(conflict_id).second) {
    anomalies_.push_back("conflict " + conflict_id + " of " + user + " resolved twice");
  }
  u.open.erase(conflict_id);
  u.acks[key].push_back({state.version, state});
  ++resolutions_;
}

void SyncLedger::ResolvedUnseen(const std::string& user, const std::string& conflict_id,
                                const ItemKey& key) {
  UserLedger& u = users_[user];
  u.in_doubt.erase(conflict_id);
  u.resolved.insert(conflict_id);
  u.open.erase(conflict_id);
  u.uncertain.insert(key);
  ++resolutions_;
}

void SyncLedger::ResolveInDoubt(const std::string& user, const std::string& conflict_id) {
  UserLedger& u = users_[user];
  u.open.erase(conflict_id);
  u.in_doubt.insert(conflict_id);
}

std::size_t SyncLedger::open_conflicts_total() const {
  std::size_t n = 0;
  for (const auto& [user, u] : users_) n += u.open.size();
  return n;
}

void SyncLedger::ConflictOpened(const std::string& user, const std::string& conflict_id,
                                const ItemKey& key) {
  UserLedger& u = users_[user];
  if (u.resolved.count(conflict_id) || u.open.count(conflict_id) || u.in_doubt.count(conflict_id)) {
    return;
  }
  u.open.emplace(conflict_id, key);
  ++conflicts_opened_;
}

bool SyncLedger::IsOpen(const std::string& user, const std::string& conflict_id) const {
  const auto it = users_.find(user);
  return it != users_.end() && it->second.open.count(conflict_id) > 0;
}

const std::map<std::string, ItemKey>& SyncLedger::open_conflicts(const std::string& user) {
  return users_[user].open;
}

void SyncLedger::Downloaded(const std::string& device, const ItemKey& key, std::int64_t version) {
  auto [it, inserted] = device_versions_.emplace(std::make_pair(device, key), version);
  if (inserted) return;
  if (version < it->second) {
    anomalies_.push_back(device + " downloaded " + KeyText(key) + " v" + std::to_string(version) +
                         " after v" + std::to_string(it->second));
  }
  it->second = std::max(it->second, version);
}

void SyncLedger::VerifyServer(const std::string& user,
                              const std::vector<std::pair<ItemKey, ItemState>>& full) {
  UserLedger& u = users_[user];
  std::map<ItemKey, ItemState> server;
  for (const auto& [key, state] : full) {
    if (!server.emplace(key, state).second) {
      anomalies_.push_back(user + ": " + KeyText(key) + " appears twice in a full download");
    }
  }
  for (const auto& [key, acks] : u.acks) {
    const auto newest = std::max_element(
        acks.begin(), acks.end(), [](const Ack& a, const Ack& b) { return a.version < b.version; });
    const auto it = server.find(key);
    if (it == server.end()) {
      anomalies_.push_back(user + ": acknowledged " + KeyText(key) + " " +
                           StateText(newest->state) + " is missing on the server");
      continue;
    }
    const ItemState& stored = it->second;
    if (stored.version < newest->version) {
      anomalies_.push_back(user + ": " + KeyText(key) + " is " + StateText(stored) +
                           ", older than acknowledged " + StateText(newest->state));
    } else if (stored.version > newest->version && !u.uncertain.count(key)) {
      anomalies_.push_back(user + ": " + KeyText(key) + " is " + StateText(stored) +
                           ", a version nobody was told of (newest acknowledged " +
                           StateText(newest->state) + ")");
    } else if (stored.version == newest->version &&
               (stored.deleted != newest->state.deleted ||
                (!stored.deleted && stored.data != newest->state.data))) {
      anomalies_.push_back(user + ": " + KeyText(key) + " is " + StateText(stored) +
                           " but was acknowledged as " + StateText(newest->state));
    }
  }
  for (const auto& [key, state] : server) {
    if (!u.acks.count(key) && !u.uncertain.count(key)) {
      anomalies_.push_back(user + ": " + KeyText(key) + " " + StateText(state) +
                           " was never acknowledged");
    }
  }
}

void SyncLedger::VerifyDevice(const std::string& device, const ItemMap& device_state,
                              const ItemMap& server_state) {
  for (const auto& [key, state] : server_state) {
    const auto it = device_state.find(key);
    if (it == device_state.end()) {
      anomalies_.push_back(device + " lacks " + KeyText(key) + " " + StateText(state));
    } else if (!(it->second.version == state.version && it->second.deleted == state.deleted &&
                 (state.deleted || it->second.data == state.data))) {
      anomalies_.push_back(device + " holds " + KeyText(key) + " " + StateText(it->second) +
                           ", the server " + StateText(state));
    }
  }
  for (const auto& [key, state] : device_state) {
    if (!server_state.count(key)) {
      anomalies_.push_back(device + " holds " + KeyText(key) + " the server does not");
    }
  }
}

void SyncLedger::VerifyConflicts(const std::string& user, const std::set<std::string>& listed,
                                 bool quiescent) {
  UserLedger& u = users_[user];
  for (const auto& [id, key] : u.open) {
    if (!listed.count(id)) {
      anomalies_.push_back(user + ": open conflict " + id + " on " + KeyText(key) + " not listed");
    }
  }
  for (const std::string& id : listed) {
    if (u.in_doubt.count(id)) continue;
    if (u.resolved.count(id)) {
      anomalies_.push_back(user + ": resolved conflict " + id + " still listed");
    } else if (quiescent && !u.open.count(id)) {
      anomalies_.push_back(user + ": conflict " + id + " listed but never reported to a device");
    }
  }
}

}  // namespace howler::testing
