// Organizations through the real binary (issue 16), every figure against a baseline measured
// in the same run on the same server:
//   1. GET /api/organizations for a member of 5 organizations (median of N requests) vs
//      GET /api/auth/profile of the same user (the cheapest signed-in read, served from
//      the profile cache) and GET /api/sync/conflicts (one indexed query of the database);
//   2. a full sync download of the member's 5 organization spaces with 1,000 shared saved
//      queries each (5 x 2 pages of 500, `space=<organization id>`) vs the same user's
//      personal download of 5,000 saved queries (10 pages of 500). Target: within 1.5x.
// The arms alternate per round (order swapped each round); medians are printed.
// Backend: HOWLER_TEST_BACKEND (sqlite, the default here, or libsql: a local tursodb).
// Usage: orgs_bench [rounds] (default 15). Prints one line per figure.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "storage/database.h"
#include "support/api_client.h"
#include "support/server_process.h"

using namespace howler::testing;
using Clock = std::chrono::steady_clock;
namespace json = boost::json;

namespace {

constexpr int kOrgs = 5;
constexpr int kItems = 1000;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

json::array Queries(const std::string& prefix, int n) {
  json::array changes;
  for (int i = 0; i < n; ++i) {
    const std::string id = prefix + "-" + std::to_string(i);
    changes.push_back(
        json::object{{"id", "c-" + id},
                     {"item_type", "saved_query"},
                     {"item_id", id},
                     {"action", "create"},
                     {"sync_version", 0},
                     {"data", json::object{{"name", "query " + id},
                                           {"query", "SELECT * FROM orders WHERE region = 'r" +
                                                         std::to_string(i % 17) + "' LIMIT 100"},
                                           {"folder", "reports"},
                                           {"tags", json::array{"bench", "shared"}}}}});
  }
  return changes;
}

bool Upload(const ApiClient& api, const TestAccount& who, const std::string& space,
            json::array changes) {
  json::object body{{"device_id", "bench-dev"}, {"changes", std::move(changes)}};
  if (!space.empty()) body["space"] = space;
  ApiResponse r = api.Call("POST", "/api/sync/upload", json::value(std::move(body)), who.token);
  if (r.status() != 200) std::fprintf(stderr, "upload: %ld %s\n", r.status(), r.http.body.c_str());
  return r.status() == 200;
}

// Follows the cursor of one space (or the personal one) to its end; returns the items.
long DownloadAll(const ApiClient& api, const TestAccount& who, const std::string& space) {
  std::string cursor;
  long items = 0;
  for (int page = 0; page < 100; ++page) {
    std::string path = "/api/sync/download?device_id=reader&limit=500";
    if (!space.empty()) path += "&space=" + space;
    if (!cursor.empty()) path += "&cursor=" + cursor;
    ApiResponse r = api.Call("GET", path, std::nullopt, who.token);
    if (r.status() != 200) return -1;
    items += static_cast<long>(r.Object().at("saved_queries").as_array().size());
    cursor = std::string(r.Object().at("cursor").as_string());
    if (!r.Object().at("has_more").as_bool()) break;
  }
  return items;
}

template <typename F>
double Seconds(F&& f) {
  const auto start = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  setenv("HOWLER_TEST_BACKEND", "sqlite", 0);
  TempDir dir;
  ServerConfig config;
  config.env = {{"LOG_LEVEL", "warn"},
                {"RATE_LIMIT_SYNC_PER_MIN", "1000000"},
                {"RATE_LIMIT_AUTH_PER_MIN", "100000"},
                {"SYNC_QUOTA_FREE", "saved_queries=100000"},
                {"SYNC_QUOTA_TEAM", "saved_queries=100000"}};
  ServerProcess server(dir.path(), config);
  if (!server.ready()) return std::fprintf(stderr, "server: %s\n", server.Output().c_str()), 1;
  ApiClient api(server.base_url());
  const TestAccount member = CreateAccount(api, "benchm");
  {
    auto db = OpenServerDatabase(server);
    if (!db ||
        !db->Execute({"UPDATE users SET email_verified = 1 WHERE id = ?", {member.user_id}}).ok()) {
      return std::fprintf(stderr, "could not mark the member verified\n"), 1;
    }
  }
  std::vector<std::string> spaces;
  for (int o = 0; o < kOrgs; ++o) {
    const TestAccount owner = CreateAccount(api, "bencho");
    ApiResponse org = api.Call(
        "POST", "/api/organizations",
        json::value(json::object{{"name", "Bench Team " + std::to_string(o)}}), owner.token);
    const std::string id(org.Object().at("organization").at("id").as_string());
    ApiResponse inv = api.Call("POST", "/api/organizations/" + id + "/invitations",
                               json::value(json::object{{"email", member.email}}), owner.token);
    const std::string inv_id(inv.Object().at("invitation").at("id").as_string());
    if (api.Call("POST", "/api/invitations/" + inv_id + "/accept", std::nullopt, member.token)
            .status() != 200) {
      return std::fprintf(stderr, "accept failed\n"), 1;
    }
    if (!Upload(api, owner, id, Queries("org" + std::to_string(o), kItems))) return 1;
    spaces.push_back(id);
  }
  for (int part = 0; part < kOrgs; ++part) {
    if (!Upload(api, member, "", Queries("own" + std::to_string(part), kItems))) return 1;
  }

  std::vector<double> orgs_list, profile, conflicts, shared, personal;
  long shared_items = 0, personal_items = 0;
  for (int round = 0; round < rounds; ++round) {
    auto list = [&] {
      orgs_list.push_back(Seconds([&] {
        if (api.Call("GET", "/api/organizations", std::nullopt, member.token).status() != 200)
          std::abort();
      }));
    };
    auto prof = [&] {
      profile.push_back(Seconds([&] {
        if (api.Call("GET", "/api/auth/profile", std::nullopt, member.token).status() != 200)
          std::abort();
      }));
    };
    auto conf = [&] {
      conflicts.push_back(Seconds([&] {
        if (api.Call("GET", "/api/sync/conflicts", std::nullopt, member.token).status() != 200)
          std::abort();
      }));
    };
    auto share = [&] {
      shared.push_back(Seconds([&] {
        shared_items = 0;
        for (const std::string& s : spaces) shared_items += DownloadAll(api, member, s);
      }));
    };
    auto own = [&] {
      personal.push_back(Seconds([&] { personal_items = DownloadAll(api, member, ""); }));
    };
    for (int i = 0; i < 20; ++i) {
      if ((round + i) % 2 == 0)
        list(), prof(), conf();
      else
        conf(), prof(), list();
    }
    if (round % 2 == 0)
      share(), own();
    else
      own(), share();
  }
  const char* backend = std::getenv("HOWLER_TEST_BACKEND");
  std::printf("backend=%s rounds=%d\n", backend, rounds);
  std::printf(
      "GET /api/organizations (5 orgs): median %.3f ms; GET /api/auth/profile: %.3f ms (ratio "
      "%.2f); GET /api/sync/conflicts: %.3f ms (ratio %.2f)\n",
      Median(orgs_list) * 1e3, Median(profile) * 1e3, Median(orgs_list) / Median(profile),
      Median(conflicts) * 1e3, Median(orgs_list) / Median(conflicts));
  std::printf(
      "download 5 spaces x %d shared items (%ld items): median %.1f ms; personal "
      "download (%ld items): %.1f ms; ratio %.2f (target <= 1.5)\n",
      kItems, shared_items, Median(shared) * 1e3, personal_items, Median(personal) * 1e3,
      Median(shared) / Median(personal));
  return shared_items == kOrgs * kItems && personal_items == kOrgs * kItems ? 0 : 1;
}
