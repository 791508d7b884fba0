// The database manager over HTTP through the real binary against psql, in one run on a
// PostgreSQL 15 this program starts (src/dbmanager/testing/postgres_server.h):
//   1. `psql -c "COPY (SELECT ...) TO STDOUT"` into /dev/null (the baseline),
//   2. the same rows (5 columns) streamed by POST /api/dbmanager/sessions/{id}/query to
//      curl, whose output only `tail -c 300` reads (to check the summary), with the server's RSS
//      sampled every 10 ms during the stream (growth = the highest sample - RSS before),
//   3. a one-row query (SELECT 1) through HTTP, in-process libcurl, median of 200, against psql's
//   `-c "SELECT 1"` (which connects each time)
//      and a blocking PQexec on an open libpq connection.
// Usage: dbmanager_http_bench [rows] (default 1000000). Prints one line per figure.
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "dbmanager/testing/postgres_server.h"
#include "support/api_client.h"
#include "support/http_client.h"
#include "support/server_process.h"

using namespace howler;
using Clock = std::chrono::steady_clock;
namespace json = boost::json;

namespace {

long RssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs `command` under sh and returns its wall time, or -1 when it failed.
double Timed(const std::string& command) {
  const auto start = Clock::now();
  if (std::system(command.c_str()) != 0) return -1;
  return Seconds(Clock::now() - start);
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
  auto started = howler::dbmanager::testing::PostgresServer::Start();
  if (!started.ok()) {
    std::fprintf(stderr, "PostgreSQL: %s\n", started.status().ToString().c_str());
    return 1;
  }
  auto& pg = **started;
  const std::string select =
      "SELECT id, 'name-' || id AS name, id * 1.25 AS amount, "
      "timestamptz '2024-01-01 00:00:00+00' + id * interval '1 second' AS at, "
      "id / 3.0::float8 AS ratio FROM bench_rows";
  if (!pg.Sql("CREATE TABLE bench_rows AS SELECT g AS id FROM generate_series(1, " +
              std::to_string(rows) + ") g")
           .ok()) {
    std::fprintf(stderr, "fixture failed\n");
    return 1;
  }
  const std::string psql_base = "PGPASSWORD=" + pg.password() +
                                " /usr/lib/postgresql/15/bin/psql -q -h 127.0.0.1 -p " +
                                std::to_string(pg.port()) + " -U howler -d howler_test";

  // 1. psql COPY TO STDOUT into /dev/null.
  const double psql_seconds =
      Timed(psql_base + " -c \"COPY (" + select + ") TO STDOUT\" > /dev/null");
  if (psql_seconds < 0) return std::fprintf(stderr, "psql failed\n"), 1;

  // 2. The server streaming the same rows over HTTP.
  howler::testing::TempDir dir;
  howler::testing::ServerConfig config;
  config.env = {{"LOG_LEVEL", "warn"}, {"RATE_LIMIT_SYNC_PER_MIN", "100000"}};
  howler::testing::ServerProcess server(dir.path(), config);
  if (!server.ready()) return std::fprintf(stderr, "server: %s\n", server.Output().c_str()), 1;
  howler::testing::ApiClient api(server.base_url());
  howler::testing::TestAccount who = howler::testing::CreateAccount(api, "bench");
  howler::testing::ApiResponse opened =
      api.Call("POST", "/api/dbmanager/sessions",
               json::value(json::object{{"type", "postgres"},
                                        {"host", pg.host()},
                                        {"port", pg.port()},
                                        {"database", pg.database()},
                                        {"username", pg.user()},
                                        {"password", pg.password()}}),
               who.token);
  if (opened.status() != 201)
    return std::fprintf(stderr, "open: %s\n", opened.http.body.c_str()), 1;
  const std::string session(opened.Object().at("session").at("id").as_string());
  const std::string url = server.base_url() + "/api/dbmanager/sessions/" + session + "/query";
  const std::string body_file = (dir.path() / "query.json").string();
  std::ofstream(body_file) << json::serialize(json::object{{"sql", select}});
  const std::string summary_file = (dir.path() / "tail.txt").string();
  const std::string script = (dir.path() / "stream.sh").string();
  std::ofstream(script) << "set -o pipefail\ncurl -sS -X POST -H 'Authorization: Bearer "
                        << who.token << "' -H 'Content-Type: application/json' --data-binary @"
                        << body_file << " '" << url << "' | tail -c 300 > " << summary_file << "\n";

  const long rss_before = RssKiB(server.pid());
  std::atomic<bool> streaming{true};
  long rss_max = rss_before;
  std::thread sampler([&] {
    while (streaming) {
      rss_max = std::max(rss_max, RssKiB(server.pid()));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const double http_seconds = Timed("bash " + script);
  streaming = false;
  sampler.join();
  std::ifstream tail_in(summary_file);
  const std::string tail((std::istreambuf_iterator<char>(tail_in)), {});
  const std::string want = "{\"summary\":{\"rows\":" + std::to_string(rows) + ",";
  if (http_seconds < 0 || tail.find(want) == std::string::npos) {
    return std::fprintf(stderr, "stream failed; tail: %s\n", tail.c_str()), 1;
  }

  // 3. One-row queries.
  std::vector<double> http_ms, pq_ms, psql_ms;
  const std::string one = json::serialize(json::object{{"sql", "SELECT 1"}});
  PGconn* raw = PQconnectdb(("host=127.0.0.1 port=" + std::to_string(pg.port()) +
                             " user=howler dbname=howler_test password=" + pg.password())
                                .c_str());
  for (int i = 0; i < 200; ++i) {
    auto t0 = Clock::now();
    howler::testing::HttpResult r = howler::testing::HttpRequest(
        "POST", url, {howler::testing::BearerHeader(who.token), "Content-Type: application/json"},
        one);
    http_ms.push_back(Seconds(Clock::now() - t0) * 1000);
    if (r.status != 200 || r.body.find("\"rows\":[[1]]") == std::string::npos) {
      return std::fprintf(stderr, "one-row query: %ld %s\n", r.status, r.body.c_str()), 1;
    }
    t0 = Clock::now();
    PQclear(PQexec(raw, "SELECT 1"));
    pq_ms.push_back(Seconds(Clock::now() - t0) * 1000);
  }
  PQfinish(raw);
  for (int i = 0; i < 20; ++i) {
    psql_ms.push_back(Timed(psql_base + " -At -c 'SELECT 1' > /dev/null") * 1000);
  }

  std::printf("rows %ld x 5 columns\n", rows);
  std::printf("psql COPY TO STDOUT > /dev/null: %.3f s, %.0f rows/s\n", psql_seconds,
              rows / psql_seconds);
  std::printf("HTTP streamed query (JSON lines) to curl | tail: %.3f s, %.0f rows/s\n",
              http_seconds, rows / http_seconds);
  std::printf("HTTP / psql rows/s ratio: %.2f\n", psql_seconds / http_seconds);
  std::printf("server RSS before %ld KiB, max during stream %ld KiB, growth %.1f MiB\n", rss_before,
              rss_max, (rss_max - rss_before) / 1024.0);
  std::printf(
      "SELECT 1 whole answer: HTTP (libcurl) median %.3f ms; PQexec on an open "
      "connection median %.3f ms; psql -c (connects each time) median %.1f ms\n",
      Median(http_ms), Median(pq_ms), Median(psql_ms));
  return 0;
}
