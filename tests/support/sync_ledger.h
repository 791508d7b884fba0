// SyncLedger: what a convergence run (tests/convergence_test.cpp) was told by the server,
// and the checks of what every device and the server end with against it (issue 17's
// properties). The harness records each acknowledgement as it arrives; Verify* return the
// anomalies found, as readable lines (empty: none).
//
// - Every acknowledged change is present exactly once: a change id is acknowledged with one
//   version only; an item appears once in a full download; its stored version is the
//   highest acknowledged one, with that acknowledgement's data (or a tombstone), unless a
//   resolution whose answer was lost may have moved it further.
// - No device sees another user's items (CheckOwnership on every download).
// - Every device holds the server's state (VerifyDevice after quiescence).
// - Versions only grow: per device and item, a download never brings an older version.
// - Every conflict is listed until resolved (VerifyConflicts).
// Not thread-safe: one harness thread uses it.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace howler::testing {

// An item as a device or the server holds it: version, tombstone, data without the server
// fields (id, sync_version, updated_at, device_id).
struct ItemState {
  std::int64_t version = 0;
  bool deleted = false;
  boost::json::object data;
  friend bool operator==(const ItemState&, const ItemState&) = default;
};
using ItemKey = std::pair<std::string, std::string>;  // item_type, item_id
using ItemMap = std::map<ItemKey, ItemState>;

// A download page's items and tombstones as ItemStates, in page order (later wins).
// Appends "<user> saw <key> of another user" lines to `anomalies` for items whose `owner`
// is not `user`, and for tombstones whose id starts with "<other>-" for another of
// `users` (ids the server makes, of keep_both copies, are checked by VerifyServer).
std::vector<std::pair<ItemKey, ItemState>> ItemsOfDownload(const boost::json::object& page,
                                                           const std::string& user,
                                                           const std::set<std::string>& users,
                                                           std::vector<std::string>& anomalies);

class SyncLedger {
 public:
  // A change answered `applied` (or `duplicate` of an applied one) with `version`.
  void Acknowledged(const std::string& user, const std::string& change_id, const ItemKey& key,
                    std::int64_t version, const ItemState& state);
  // The stored item a resolution answered with (and its copy for keep_both).
  void Resolved(const std::string& user, const std::string& conflict_id, const ItemKey& key,
                const ItemState& state);
  // A resolution whose answer was lost (409 on retry: it was resolved); the item it
  // touched may have any newer version.
  void ResolvedUnseen(const std::string& user, const std::string& conflict_id, const ItemKey& key);
  // A resolution was sent and its answer lost: the conflict is neither open nor resolved
  // until ResolvedUnseen or Resolved settles it.
  void ResolveInDoubt(const std::string& user, const std::string& conflict_id);
  void ConflictOpened(const std::string& user, const std::string& conflict_id, const ItemKey& key);
  bool IsOpen(const std::string& user, const std::string& conflict_id) const;
  const std::map<std::string, ItemKey>& open_conflicts(const std::string& user);
  std::size_t open_conflicts_total() const;

  // Per device: a download brought `state` for `key`; an older version than the device
  // had is an anomaly.
  void Downloaded(const std::string& device, const ItemKey& key, std::int64_t version);

  // The server's full state of `user` (a download from the beginning) against the ledger.
  void VerifyServer(const std::string& user,
                    const std::vector<std::pair<ItemKey, ItemState>>& full);
  // A device's state after it followed its cursor to the end, against the server's.
  void VerifyDevice(const std::string& device, const ItemMap& device_state,
                    const ItemMap& server_state);
  // The conflicts the server lists for `user`: every open one, no resolved one; with
  // `quiescent`, exactly the open ones.
  void VerifyConflicts(const std::string& user, const std::set<std::string>& listed,
                       bool quiescent);

  std::vector<std::string>& anomalies() { return anomalies_; }
  std::size_t acknowledged() const { return change_versions_.size(); }
  std::size_t conflicts_opened() const { return conflicts_opened_; }
  std::size_t resolutions() const { return resolutions_; }

 private:
  struct Ack {
    std::int64_t version = 0;
    ItemState state;
  };
  struct UserLedger {
    std::map<ItemKey, std::vector<Ack>> acks;
    std::set<ItemKey> uncertain;  // touched by a resolution whose answer was lost
    std::map<std::string, ItemKey> open;
    std::set<std::string> resolved;
    std::set<std::string> in_doubt;
  };

  std::map<std::string, UserLedger> users_;
  std::map<std::string, std::int64_t> change_versions_;  // user/change id -> version
  std::map<std::pair<std::string, ItemKey>, std::int64_t> device_versions_;
  std::vector<std::string> anomalies_;
  std::size_t conflicts_opened_ = 0;
  std::size_t resolutions_ = 0;
};

}  // namespace howler::testing
