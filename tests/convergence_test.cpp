// The convergence checker (issue 17): simulated devices of several users make random
// creates, edits, deletes, stale (conflicting) edits and conflict resolutions over HTTP
// and gRPC against the real binary, while the harness SIGKILLs the server at random moments
// and restarts it and, on the remote backend, makes the database slow, failing (500),
// truncating its answers or unreachable through a FaultProxy in front of a real tursodb.
// Requests whose answer was lost are retried with the same change ids. At the end every
// device syncs to quiescence and support/sync_ledger.h checks: every acknowledged change
// present exactly once, no device sees another user's items, every device holds the
// server's state, versions only grow, every conflict listed until resolved. Then every
// conflict is resolved and the checks run again.
//
// Seeded: HOWLER_CONVERGENCE_SEED (default 1) fixes every random choice (which device does
// what, when a kill and a fault happen), so a failing run can be replayed; the exact moment
// a SIGKILL lands inside a request is a seeded delay. The size comes from
// HOWLER_CONVERGENCE_{USERS,DEVICES,OPS,KILLS,FAULTS}; the defaults are the short CI run;
// scripts/convergence.sh runs a long one. The backend is HOWLER_TEST_BACKEND's.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "howlerops/v1/sync.grpc.pb.h"
#include "storage/libsql/tursodb_process.h"
#include "support/api_client.h"
#include "support/fault_proxy.h"
#include "support/server_process.h"
#include "support/sync_client.h"
#include "support/sync_ledger.h"

namespace howler::testing {
namespace {

namespace json = boost::json;
namespace pb = ::howlerops::v1;
using std::chrono::milliseconds;

std::int64_t EnvInt(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : fallback;
}

struct Params {
  std::uint64_t seed = static_cast<std::uint64_t>(EnvInt("HOWLER_CONVERGENCE_SEED", 1));
  int users = static_cast<int>(EnvInt("HOWLER_CONVERGENCE_USERS", 2));
  int devices = static_cast<int>(EnvInt("HOWLER_CONVERGENCE_DEVICES", 3));
  int ops = static_cast<int>(EnvInt("HOWLER_CONVERGENCE_OPS", 240));
  int kills = static_cast<int>(EnvInt("HOWLER_CONVERGENCE_KILLS", 3));
  int faults = static_cast<int>(EnvInt("HOWLER_CONVERGENCE_FAULTS", 4));
};

// The server under test, restartable on the same data; on the remote backend with its
// tursodb and a FaultProxy in front of it, both kept across server restarts.
class Cluster {
 public:
  Cluster(const std::filesystem::path& dir, bool remote) : dir_(dir) {
    if (remote) {
      const auto binary = storage::TursodbProcess::FindBinary();
      if (!binary) {
        ADD_FAILURE() << "HOWLER_TEST_BACKEND=libsql but tursodb is not installed";
        return;
      }
      tursodb_binary_ = *binary;
      StartTursodb(std::nullopt);
      proxy_ = FaultProxy::Start(static_cast<std::uint16_t>(tursodb_->port()));
      if (proxy_ == nullptr) ADD_FAILURE() << "fault proxy did not start";
    }
    Start();
  }

  bool remote() const { return proxy_ != nullptr; }
  bool ready() const { return server_ != nullptr && server_->ready(); }
  const ServerProcess& server() const { return *server_; }
  ApiClient api() const { return ApiClient(server_->base_url()); }
  pb::SyncService::Stub& grpc() { return *stub_; }

  // SIGKILL after `delay`, from another thread, while the caller goes on with a request.
  std::thread KillAfter(milliseconds delay) {
    const pid_t pid = server_->pid();
    return std::thread([pid, delay] {
      std::this_thread::sleep_for(delay);
      ::kill(pid, SIGKILL);
    });
  }

  // Reaps the killed server and starts a new one on the same data (faults healed first:
  // a server does not become ready without its database).
  void Restart() {
    server_->Kill();
    Heal();
    server_.reset();
    Start();
  }

  // A database fault until Heal(): kind 0 slow, 1 HTTP 500, 2 truncated, 3 truncated
  // without framing, 4 unreachable (tursodb stopped).
  void Fault(int kind) {
    switch (kind) {
      case 0:
        proxy_->set_delay(milliseconds(300));
        proxy_->set_mode(FaultProxy::Mode::kDelay);
        break;
      case 1:
        proxy_->set_mode(FaultProxy::Mode::kHttp500);
        break;
      case 2:
        proxy_->set_mode(FaultProxy::Mode::kTruncate);
        break;
      case 3:
        proxy_->set_mode(FaultProxy::Mode::kTruncateUnframed);
        break;
      default:
        tursodb_.reset();
        break;
    }
  }
  void Heal() {
    if (proxy_ == nullptr) return;
    proxy_->set_mode(FaultProxy::Mode::kPass);
    if (tursodb_ == nullptr) StartTursodb(tursodb_port_);
  }

 private:
  void StartTursodb(std::optional<int> port) {
    auto started = storage::TursodbProcess::Start(tursodb_binary_, dir_ / "remote.db", port);
    if (!started.ok()) {
      ADD_FAILURE() << "tursodb: " << started.status().ToString();
      return;
    }
    tursodb_ = std::move(started).value();
    tursodb_port_ = tursodb_->port();
  }

  void Start() {
    std::map<std::string, std::string> env = {
        {"RATE_LIMIT_SYNC_PER_MIN", "1000000"},
        {"RATE_LIMIT_AUTH_PER_MIN", "1000000"},
        {"LOG_LEVEL", "warn"},
        // long runs create more than the free plan keeps
        {"SYNC_QUOTA_FREE", "connections=1000000,saved_queries=1000000"}};
    if (proxy_ != nullptr) {
      env["TURSO_URL"] = proxy_->url();
      env["TURSO_AUTH_TOKEN"] = "convergence";
      env["TURSO_CONNECT_TIMEOUT"] = "1s";
      env["TURSO_REQUEST_TIMEOUT"] = "2s";
    }
    server_ = std::make_unique<ServerProcess>(dir_, AuthServerConfig(env));
    stub_ = pb::SyncService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->grpc_port()), grpc::InsecureChannelCredentials()));
  }

  std::filesystem::path dir_;
  std::filesystem::path tursodb_binary_;
  std::unique_ptr<storage::TursodbProcess> tursodb_;
  int tursodb_port_ = 0;
  std::unique_ptr<FaultProxy> proxy_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<pb::SyncService::Stub> stub_;
};

// A change a device has made and not yet had a definite answer for.
struct Pending {
  json::object change;
  ItemKey key;
  ItemState state;
};

struct Device {
  std::string user;  // username: the owner tag of its items and the prefix of their ids
  std::string password;
  std::string name;
  std::string token;
  std::string cursor;
  ItemMap local;
  std::vector<Pending> outbox;
  int created = 0;
};

// A pending resolution whose answer was lost.
struct PendingResolve {
  std::string user;
  std::string conflict_id;
  ItemKey key;
  json::object body;
};

struct Figures {
  int ops = 0, uploads = 0, downloads = 0, grpc_calls = 0, resolves = 0, grpc_resolves = 0;
  int kills = 0, faults = 0, lost_answers = 0, rejected = 0;
};

json::value ToJson(const google::protobuf::Value& v);
json::object ToJson(const google::protobuf::Struct& s) {
  json::object o;
  for (const auto& [k, v] : s.fields()) o[k] = ToJson(v);
  return o;
}
json::value ToJson(const google::protobuf::Value& v) {
  switch (v.kind_case()) {
    case google::protobuf::Value::kStringValue:
      return json::value(v.string_value());
    case google::protobuf::Value::kBoolValue:
      return json::value(v.bool_value());
    case google::protobuf::Value::kNumberValue: {
      const double d = v.number_value();
      if (d == static_cast<double>(static_cast<std::int64_t>(d))) {
        return json::value(static_cast<std::int64_t>(d));
      }
      return json::value(d);
    }
    case google::protobuf::Value::kStructValue:
      return ToJson(v.struct_value());
    case google::protobuf::Value::kListValue: {
      json::array a;
      for (const auto& item : v.list_value().values()) a.push_back(ToJson(item));
      return a;
    }
    default:
      return nullptr;
  }
}

// A gRPC call as device `d`: its access token and a bounded deadline.
void Authorize(grpc::ClientContext& ctx, const Device& d) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  ctx.AddMetadata("authorization", "Bearer " + d.token);
}

// Item data (string members only, as the checker writes it) as a protobuf Struct.
void StringsToStruct(const json::object& data, google::protobuf::Struct* out) {
  for (const auto& [k, v] : data) {
    (*out->mutable_fields())[std::string(k)].set_string_value(std::string(v.as_string()));
  }
}

class ConvergenceRun {
 public:
  ConvergenceRun(Params p, Cluster& cluster) : p_(p), cluster_(cluster), rng_(p.seed) {}

  void SignUp() {
    for (int u = 0; u < p_.users; ++u) {
      const TestAccount account = CreateAccount(cluster_.api(), "conv");
      for (int d = 0; d < p_.devices; ++d) {
        Device device;
        device.user = account.username;
        device.password = account.password;
        device.name = account.username + "/dev" + std::to_string(d);
        devices_.push_back(std::move(device));
        users_.insert(account.username);
      }
    }
    for (Device& d : devices_) Login(d);
  }

  void Run() {
    std::set<int> kill_at, fault_at;
    while (static_cast<int>(kill_at.size()) < std::min(p_.kills, p_.ops)) {
      kill_at.insert(Uniform(1, p_.ops - 1));
    }
    if (cluster_.remote()) {
      while (static_cast<int>(fault_at.size()) < std::min(p_.faults, p_.ops)) {
        fault_at.insert(Uniform(1, p_.ops - 1));
      }
    }
    int heal_at = -1;
    for (int op = 0; op < p_.ops; ++op) {
      if (op == heal_at) cluster_.Heal();
      if (fault_at.count(op)) {
        cluster_.Fault(Uniform(0, 4));
        heal_at = op + Uniform(2, 8);
        ++figures_.faults;
      }
      if (kill_at.count(op)) {
        // A burst of steps with the SIGKILL landing somewhere inside it: requests in
        // flight lose their answers, later ones find the server gone.
        std::thread killer = cluster_.KillAfter(milliseconds(Uniform(0, 20)));
        for (int i = 0; i < 12; ++i) Step();
        killer.join();
        cluster_.Restart();
        ASSERT_TRUE(cluster_.ready()) << "the server did not come back after a SIGKILL";
        ++figures_.kills;
      } else {
        Step();
      }
      ++figures_.ops;
    }
    cluster_.Heal();
  }

  // Every outbox emptied, every lost resolution settled, every device at the end of its
  // cursor; then the checks.
  void QuiesceAndVerify(bool quiescent_conflicts) {
    for (int round = 0; round < 50 && !Quiet(); ++round) {
      for (Device& d : devices_) UploadOutbox(d);
      RetryResolves();
      if (!Quiet()) std::this_thread::sleep_for(milliseconds(200));
    }
    ASSERT_TRUE(Quiet()) << "changes still without a definite answer after 50 rounds";
    for (Device& d : devices_) {
      for (int i = 0; i < 5 && !Sync(d, /*grpc=*/false); ++i) {
      }
    }
    std::map<std::string, ItemMap> server;
    for (Device& d : devices_) {
      if (server.count(d.user)) continue;
      std::vector<std::pair<ItemKey, ItemState>> full;
      ASSERT_TRUE(FullDownload(d, full));
      ledger_.VerifyServer(d.user, full);
      ItemMap& m = server[d.user];
      for (auto& [key, state] : full) m[key] = state;
      const auto listed = ListConflicts(d);
      ASSERT_TRUE(listed.has_value()) << "GET /api/sync/conflicts failed after quiescence";
      ledger_.VerifyConflicts(d.user, *listed, quiescent_conflicts);
    }
    for (const Device& d : devices_) ledger_.VerifyDevice(d.name, d.local, server[d.user]);
  }

  void ResolveEverything() {
    for (Device& d : devices_) {
      const auto open = ledger_.open_conflicts(d.user);
      for (const auto& [id, key] : open) Resolve(d, id, key);
    }
  }

  const Figures& figures() const { return figures_; }
  SyncLedger& ledger() { return ledger_; }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }

  bool Quiet() const {
    for (const Device& d : devices_) {
      if (!d.outbox.empty()) return false;
    }
    return pending_resolves_.empty();
  }

  void Login(Device& d) {
    const ApiResponse r = cluster_.api().Login(d.user, d.password, d.name);
    if (r.status() == 200) d.token = r.Str("token");
  }

  // One random action of one random device.
  void Step() {
    Device& d = devices_[Uniform(0, static_cast<int>(devices_.size()) - 1)];
    const int roll = Uniform(1, 100);
    if (roll <= 25) {
      Create(d);
    } else if (roll <= 50) {
      Edit(d, /*stale=*/false);
    } else if (roll <= 60) {
      Edit(d, /*stale=*/true);
    } else if (roll <= 70) {
      Delete(d);
    } else if (roll <= 88) {
      Sync(d, Chance(50));
      return;
    } else {
      ResolveOneOf(d);
      return;
    }
    if (Chance(80)) UploadOutbox(d);
  }

  json::object Data(const Device& d, const std::string& name) {
    return {{"name", name}, {"owner", d.user}, {"note", std::to_string(rng_())}};
  }

  void Add(Device& d, const ItemKey& key, const std::string& action, std::int64_t base,
           ItemState state) {
    const std::string change_id = d.name + "#" + std::to_string(++change_counter_);
    std::optional<json::object> data;
    if (!state.deleted) data = state.data;
    d.outbox.push_back(
        {Change(change_id, key.first, key.second, action, base, data), key, std::move(state)});
  }

  void Create(Device& d) {
    const ItemKey key{Chance(50) ? "connection" : "saved_query",
                      d.name.substr(0, d.name.find('/')) + "-" +
                          d.name.substr(d.name.find('/') + 1) + "-" + std::to_string(++d.created)};
    Add(d, key, "create", 0, ItemState{0, false, Data(d, "item " + key.second)});
  }

  // A live item of the device's view, or null.
  const std::pair<const ItemKey, ItemState>* PickLive(const Device& d) {
    std::vector<const std::pair<const ItemKey, ItemState>*> live;
    for (const auto& entry : d.local) {
      if (!entry.second.deleted) live.push_back(&entry);
    }
    if (live.empty()) return nullptr;
    return live[Uniform(0, static_cast<int>(live.size()) - 1)];
  }

  void Edit(Device& d, bool stale) {
    const auto* item = PickLive(d);
    if (item == nullptr) return Create(d);
    std::int64_t base = item->second.version;
    if (stale && base > 1) base -= 1;
    Add(d, item->first, "update", base, ItemState{0, false, Data(d, "edit " + item->first.second)});
  }

  void Delete(Device& d) {
    const auto* item = PickLive(d);
    if (item == nullptr) return;
    Add(d, item->first, "delete", item->second.version, ItemState{0, true, {}});
  }

  // The outbox in one upload; a definite answer empties it.
  bool UploadOutbox(Device& d) {
    if (d.outbox.empty()) return true;
    ++figures_.uploads;
    std::vector<ResultOf> results;
    const bool definite = Chance(50) ? UploadHttp(d, results) : UploadGrpc(d, results);
    if (!definite) {
      ++figures_.lost_answers;
      return false;
    }
    for (std::size_t i = 0; i < d.outbox.size() && i < results.size(); ++i) {
      Apply(d, d.outbox[i], results[i]);
    }
    d.outbox.clear();
    return true;
  }

  struct ResultOf {
    std::string status, first_status, conflict_id, reason;
    std::int64_t version = 0;
  };

  bool UploadHttp(Device& d, std::vector<ResultOf>& out) {
    json::array changes;
    for (const Pending& p : d.outbox) changes.push_back(p.change);
    const ApiResponse r = Upload(cluster_.api(), d.token, d.name, changes);
    if (r.status() == 401) Login(d);
    if (r.status() != 200) return false;
    for (const auto& v : r.Object().at("results").as_array()) {
      const json::object& o = v.as_object();
      auto str = [&](const char* k) {
        const auto* f = o.if_contains(k);
        return f && f->is_string() ? std::string(f->get_string()) : std::string();
      };
      out.push_back({str("status"), str("first_status"), str("conflict_id"), str("reason"),
                     o.at("sync_version").to_number<std::int64_t>()});
    }
    return out.size() == d.outbox.size();
  }

  bool UploadGrpc(Device& d, std::vector<ResultOf>& out) {
    ++figures_.grpc_calls;
    pb::UploadRequest req;
    req.set_device_id(d.name);
    for (const Pending& p : d.outbox) {
      pb::Change& c = *req.add_changes();
      c.set_id(std::string(p.change.at("id").as_string()));
      c.set_item_type(p.key.first);
      c.set_item_id(p.key.second);
      c.set_action(std::string(p.change.at("action").as_string()));
      c.set_sync_version(p.change.at("sync_version").as_int64());
      StringsToStruct(p.state.data, c.mutable_data());
    }
    grpc::ClientContext ctx;
    Authorize(ctx, d);
    pb::UploadResponse resp;
    const grpc::Status s = cluster_.grpc().Upload(&ctx, req, &resp);
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) Login(d);
    if (!s.ok()) return false;
    for (const auto& r : resp.results()) {
      out.push_back({r.status(), r.first_status(), r.conflict_id(), r.reason(), r.sync_version()});
    }
    return out.size() == d.outbox.size();
  }

  void Apply(Device& d, const Pending& p, const ResultOf& r) {
    const std::string change_id(p.change.at("id").as_string());
    const std::string& status = r.status == "duplicate" ? r.first_status : r.status;
    if (status == "applied") {
      ledger_.Acknowledged(d.user, change_id, p.key, r.version, p.state);
      ItemState mine = p.state;
      mine.version = r.version;
      if (d.local[p.key].version < r.version) d.local[p.key] = mine;
    } else if (status == "conflict") {
      ledger_.ConflictOpened(d.user, r.conflict_id, p.key);
    } else if (status == "rejected") {
      ++figures_.rejected;
      std::cerr << "rejected " << change_id << ": " << r.reason << "\n";
    }
  }

  // Follows the device's cursor to the end; false when an answer was lost.
  bool Sync(Device& d, bool grpc) {
    ++figures_.downloads;
    for (int page = 0; page < 1000; ++page) {
      json::object o;
      if (!(grpc ? DownloadGrpc(d, o) : DownloadHttp(d, d.cursor, o))) return false;
      for (auto& [key, state] : ItemsOfDownload(o, d.user, users_, ledger_.anomalies())) {
        ledger_.Downloaded(d.name, key, state.version);
        d.local[key] = std::move(state);
      }
      d.cursor = std::string(o.at("cursor").as_string());
      if (!o.at("has_more").as_bool()) return true;
    }
    return false;
  }

  bool DownloadHttp(Device& d, const std::string& cursor, json::object& out) {
    const ApiResponse r = Download(cluster_.api(), d.token, d.name,
                                   "limit=50" + (cursor.empty() ? "" : "&cursor=" + cursor));
    if (r.status() == 401) Login(d);
    if (r.status() != 200) return false;
    out = r.Object();
    return true;
  }

  bool DownloadGrpc(Device& d, json::object& out) {
    ++figures_.grpc_calls;
    pb::DownloadRequest req;
    req.set_device_id(d.name);
    req.set_cursor(d.cursor);
    req.set_limit(50);
    grpc::ClientContext ctx;
    Authorize(ctx, d);
    pb::DownloadResponse resp;
    const grpc::Status s = cluster_.grpc().Download(&ctx, req, &resp);
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) Login(d);
    if (!s.ok()) return false;
    json::array connections, queries, deleted;
    for (const auto& item : resp.connections()) connections.push_back(ToJson(item));
    for (const auto& item : resp.saved_queries()) queries.push_back(ToJson(item));
    for (const auto& t : resp.deleted()) {
      deleted.push_back(json::object{{"item_type", t.item_type()},
                                     {"item_id", t.item_id()},
                                     {"sync_version", t.sync_version()}});
    }
    out = {{"connections", connections},
           {"saved_queries", queries},
           {"deleted", deleted},
           {"cursor", resp.cursor()},
           {"has_more", resp.has_more()}};
    return true;
  }

  // A download of everything from the beginning, as a new device of d's user.
  bool FullDownload(const Device& d, std::vector<std::pair<ItemKey, ItemState>>& full) {
    Device checker = d;
    checker.name = d.user + "/checker";
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
      json::object o;
      if (!DownloadHttp(checker, cursor, o)) return false;
      for (auto& entry : ItemsOfDownload(o, d.user, users_, ledger_.anomalies()))
        full.push_back(entry);
      cursor = std::string(o.at("cursor").as_string());
      if (!o.at("has_more").as_bool()) return true;
    }
    return false;
  }

  // The ids of the conflicts the server lists, over HTTP or gRPC at random; nullopt when
  // the answer was lost.
  std::optional<std::set<std::string>> ListConflicts(Device& d) {
    return Chance(50) ? ListConflictsHttp(d) : ListConflictsGrpc(d);
  }

  std::optional<std::set<std::string>> ListConflictsHttp(Device& d) {
    const ApiResponse r = cluster_.api().Call("GET", "/api/sync/conflicts", std::nullopt, d.token);
    if (r.status() == 401) Login(d);
    if (r.status() != 200) {
      ++figures_.lost_answers;
      return std::nullopt;
    }
    std::set<std::string> ids;
    for (const auto& c : r.Object().at("conflicts").as_array()) {
      ids.insert(std::string(c.at("id").as_string()));
    }
    return ids;
  }

  std::optional<std::set<std::string>> ListConflictsGrpc(Device& d) {
    ++figures_.grpc_calls;
    grpc::ClientContext ctx;
    Authorize(ctx, d);
    pb::ListConflictsResponse resp;
    const grpc::Status s = cluster_.grpc().ListConflicts(&ctx, pb::ListConflictsRequest(), &resp);
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) Login(d);
    if (!s.ok()) {
      ++figures_.lost_answers;
      return std::nullopt;
    }
    std::set<std::string> ids;
    for (const pb::Conflict& c : resp.conflicts()) ids.insert(c.id());
    return ids;
  }

  void ResolveOneOf(Device& d) {
    const auto listed = ListConflicts(d);
    if (!listed) return;
    ledger_.VerifyConflicts(d.user, *listed, /*quiescent=*/false);
    const auto& open = ledger_.open_conflicts(d.user);
    if (open.empty()) return;
    auto it = open.begin();
    std::advance(it, Uniform(0, static_cast<int>(open.size()) - 1));
    const auto [id, key] = *it;
    Resolve(d, id, key);
  }

  json::object ResolveBody(const Device& d, const ItemKey& key) {
    switch (Uniform(0, 4)) {
      case 0:
        return {{"strategy", "user_choice"}, {"chosen_version", "local"}, {"device_id", d.name}};
      case 1:
        return {{"strategy", "user_choice"}, {"chosen_version", "remote"}, {"device_id", d.name}};
      case 2:
        return {{"strategy", "keep_both"}, {"device_id", d.name}};
      case 3:
        return {{"strategy", "last_write_wins"}, {"device_id", d.name}};
      default:
        return {{"strategy", "user_choice"},
                {"merged_data", Data(d, "merged " + key.second)},
                {"device_id", d.name}};
    }
  }

  void Resolve(Device& d, const std::string& id, const ItemKey& key) {
    PendingResolve pending{d.user, id, key, ResolveBody(d, key)};
    if (!SendResolve(d, pending)) {
      pending_resolves_.push_back(std::move(pending));
      ledger_.ResolveInDoubt(d.user, id);
    }
  }

  // Sends p over HTTP or gRPC at random; true when the answer was definite (recorded in
  // the ledger).
  bool SendResolve(Device& d, const PendingResolve& p) {
    ++figures_.resolves;
    const std::optional<Resolution> r = Chance(50) ? ResolveHttp(d, p) : ResolveGrpc(d, p);
    if (!r) {
      ++figures_.lost_answers;
      return false;
    }
    if (r->already_resolved) {
      ledger_.ResolvedUnseen(p.user, p.conflict_id, p.key);
    } else if (!r->error.empty()) {
      ledger_.anomalies().push_back("resolve " + p.conflict_id + ": " + r->error);
    } else {
      RecordResolved(p, *r);
    }
    return true;
  }

  // A definite answer to a resolution: the written item (and keep_both's copy), "already
  // resolved", or an error that no fault explains.
  struct Resolution {
    bool already_resolved = false;
    std::string error;
    json::object item;
    std::optional<json::object> copy;
  };

  std::optional<Resolution> ResolveHttp(Device& d, const PendingResolve& p) {
    const ApiResponse r = howler::testing::Resolve(cluster_.api(), d.token, p.conflict_id, p.body);
    if (r.status() == 401) Login(d);
    if (r.status() == 0 || r.status() == 503) return std::nullopt;
    Resolution out;
    if (r.status() == 409) {
      out.already_resolved = true;
    } else if (r.status() != 200) {
      out.error = std::to_string(r.status()) + " " + r.http.body;
    } else {
      const json::object o = r.Object();
      out.item = o.at("item").as_object();
      if (const auto* copy = o.if_contains("copy")) out.copy = copy->as_object();
    }
    return out;
  }

  std::optional<Resolution> ResolveGrpc(Device& d, const PendingResolve& p) {
    ++figures_.grpc_calls;
    ++figures_.grpc_resolves;
    pb::ResolveConflictRequest req;
    req.set_conflict_id(p.conflict_id);
    req.set_strategy(std::string(p.body.at("strategy").as_string()));
    req.set_device_id(std::string(p.body.at("device_id").as_string()));
    if (const auto* side = p.body.if_contains("chosen_version")) {
      req.set_chosen_version(std::string(side->as_string()));
    }
    if (const auto* merged = p.body.if_contains("merged_data")) {
      StringsToStruct(merged->as_object(), req.mutable_merged_data());
    }
    grpc::ClientContext ctx;
    Authorize(ctx, d);
    pb::ResolveConflictResponse resp;
    const grpc::Status s = cluster_.grpc().ResolveConflict(&ctx, req, &resp);
    if (s.error_code() == grpc::StatusCode::UNAUTHENTICATED) Login(d);
    switch (s.error_code()) {  // what a SIGKILL or an unreachable database may answer
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::DEADLINE_EXCEEDED:
      case grpc::StatusCode::CANCELLED:
      case grpc::StatusCode::UNKNOWN:
        return std::nullopt;
      default:
        break;
    }
    Resolution out;
    if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      out.already_resolved = true;
    } else if (!s.ok()) {
      out.error = "gRPC " + std::to_string(s.error_code()) + " " + s.error_message();
    } else {
      out.item = ToJson(resp.item());
      if (resp.has_copy()) out.copy = ToJson(resp.copy());
    }
    return out;
  }

  void RecordResolved(const PendingResolve& p, const Resolution& r) {
    ledger_.Resolved(p.user, p.conflict_id, p.key, StateOfWritten(r.item));
    if (r.copy) {
      const ItemState state = StateOfWritten(*r.copy);
      const ItemKey copy_key{p.key.first, std::string(r.copy->at("id").as_string())};
      ledger_.Acknowledged(p.user, "copy-of-" + p.conflict_id, copy_key, state.version, state);
    }
  }

  static ItemState StateOfWritten(const json::value& v) {
    json::object o = v.as_object();
    ItemState s;
    s.version = o.at("sync_version").to_number<std::int64_t>();
    const auto* deleted = o.if_contains("deleted");
    s.deleted = deleted != nullptr && deleted->is_bool() && deleted->get_bool();
    for (const char* f : {"id", "sync_version", "updated_at", "device_id", "user_id", "deleted"}) {
      o.erase(f);
    }
    if (!s.deleted) s.data = std::move(o);
    return s;
  }

  void RetryResolves() {
    std::vector<PendingResolve> still;
    for (PendingResolve& p : pending_resolves_) {
      for (Device& d : devices_) {
        if (d.user != p.user) continue;
        if (!SendResolve(d, p)) still.push_back(std::move(p));
        break;
      }
    }
    pending_resolves_ = std::move(still);
  }

  Params p_;
  Cluster& cluster_;
  std::mt19937_64 rng_;
  std::vector<Device> devices_;
  std::set<std::string> users_;
  std::vector<PendingResolve> pending_resolves_;
  SyncLedger ledger_;
  Figures figures_;
  std::uint64_t change_counter_ = 0;
};

TEST(ConvergenceTest, DevicesConvergeUnderKillsAndFaults) {
  const Params p;
  TempDir dir;
  Cluster cluster(dir.path(), TestBackendIsLibsql());
  ASSERT_TRUE(cluster.ready());
  ConvergenceRun run(p, cluster);
  run.SignUp();
  run.Run();
  if (HasFatalFailure()) return;
  run.QuiesceAndVerify(/*quiescent_conflicts=*/true);
  const std::size_t open_at_end = run.ledger().open_conflicts_total();
  run.ResolveEverything();
  run.QuiesceAndVerify(/*quiescent_conflicts=*/true);
  const Figures& f = run.figures();
  std::cout << "convergence seed=" << p.seed
            << " backend=" << (cluster.remote() ? "libsql" : "sqlite") << " users=" << p.users
            << " devices=" << p.users * p.devices << " ops=" << f.ops << " uploads=" << f.uploads
            << " downloads=" << f.downloads << " grpc_calls=" << f.grpc_calls
            << " acknowledged_changes=" << run.ledger().acknowledged()
            << " conflicts=" << run.ledger().conflicts_opened()
            << " resolutions=" << run.ledger().resolutions() << " resolve_calls=" << f.resolves
            << " grpc_resolve_calls=" << f.grpc_resolves
            << " open_before_final_resolve=" << open_at_end << " kills=" << f.kills
            << " faults=" << f.faults << " lost_answers=" << f.lost_answers
            << " rejected=" << f.rejected << " anomalies=" << run.ledger().anomalies().size()
            << std::endl;
  EXPECT_GT(run.ledger().acknowledged(), 0u);
  EXPECT_GT(run.ledger().conflicts_opened(), 0u) << "the run made no conflict: not a real check";
  EXPECT_EQ(f.kills, std::min(p.kills, p.ops));
  EXPECT_EQ(f.rejected, 0);
  EXPECT_GT(f.grpc_resolves, 0) << "no resolution went over gRPC";
  EXPECT_LT(f.grpc_resolves, f.resolves) << "no resolution went over HTTP";
  EXPECT_TRUE(run.ledger().anomalies().empty())
      << "replay with HOWLER_CONVERGENCE_SEED=" << p.seed << ":\n"
      << ::testing::PrintToString(run.ledger().anomalies());
}

// The checker's own check: SyncLedger finds each kind of anomaly it is planted with.
TEST(SyncLedgerTest, FindsPlantedAnomalies) {
  SyncLedger ledger;
  const ItemKey q1{"saved_query", "u-1"}, q2{"saved_query", "u-2"}, q3{"saved_query", "u-3"};
  const ItemState a{0, false, {{"name", "a"}, {"owner", "u"}}};
  ledger.Acknowledged("u", "c1", q1, 2, a);
  ledger.Acknowledged("u", "c1", q1, 3, a);  // one change id, two versions
  ledger.Acknowledged("u", "c2", q2, 1, a);
  ledger.ConflictOpened("u", "k1", q1);
  ledger.Downloaded("u/dev0", q1, 2);
  ledger.Downloaded("u/dev0", q1, 1);  // a version going back
  // q1 stored with other data, q2 missing, q3 never acknowledged, q3 listed twice.
  ItemState other = a;
  other.version = 2;
  other.data["name"] = "b";
  ledger.VerifyServer("u", {{q1, other}, {q3, a}, {q3, a}});
  ledger.VerifyDevice("u/dev0", {}, {{q1, other}});
  ledger.VerifyConflicts("u", {"k9"}, /*quiescent=*/true);  // k1 not listed, k9 unknown
  std::vector<std::string> seen;
  const json::object foreign{
      {"saved_queries",
       json::array{json::object{{"id", "v-1"}, {"sync_version", 1}, {"owner", "v"}}}}};
  const json::object foreign_tombstone{
      {"deleted", json::array{json::object{
                      {"item_type", "connection"}, {"item_id", "v-3"}, {"sync_version", 2}}}}};
  ItemsOfDownload(foreign, "u", {"u", "v"}, seen);
  ItemsOfDownload(foreign_tombstone, "u", {"u", "v"}, seen);
  EXPECT_EQ(seen.size(), 2u);
  const std::vector<std::string>& found = ledger.anomalies();
  auto has = [&](std::string_view part) {
    return std::any_of(found.begin(), found.end(), [&](const std::string& line) {
      return line.find(part) != std::string::npos;
    });
  };
  EXPECT_TRUE(has("acknowledged with versions 2 and 3")) << ::testing::PrintToString(found);
  EXPECT_TRUE(has("after v2"));
  EXPECT_TRUE(has("but was acknowledged as"));
  EXPECT_TRUE(has("missing on the server"));
  EXPECT_TRUE(has("never acknowledged"));
  EXPECT_TRUE(has("appears twice"));
  EXPECT_TRUE(has("u/dev0 lacks"));
  EXPECT_TRUE(has("open conflict k1"));
  EXPECT_TRUE(has("k9 listed but never reported"));
}

}  // namespace
}  // namespace howler::testing
