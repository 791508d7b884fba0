// The PostgreSQL engine's streaming against the server's own fastest export, in one run
// on a PostgreSQL 15 this program starts (src/dbmanager/testing/postgres_server.h):
//   1. `psql -c "COPY (SELECT ...) TO STDOUT"` into /dev/null (the baseline),
//   2. the engine streaming the same rows as JSON cells through QueryStream (no HTTP),
//      with the process's RSS growth during the stream,
//   3. the time to the first row of `SELECT 1` on an open connection: the engine against
//      a blocking PQexec on an open libpq connection.
// Usage: dbmanager_stream_bench [rows] (default 1000000). Prints one line per figure.
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <string>
#include <vector>

#include "dbmanager/postgres/postgres_engine.h"
#include "dbmanager/testing/postgres_server.h"
#include "dbmanager/testing/sync_calls.h"

using namespace howler;
using namespace howler::dbmanager;
using Clock = std::chrono::steady_clock;

namespace {

long RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::atol(line.c_str() + 6);
    }
  }
  return -1;
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

struct StreamResult {
  long rows = 0;
  long bytes = 0;
  long max_rss_kib = 0;
  bool ok = false;
};

// Pulls the whole stream on this thread, sampling RSS at every batch.
StreamResult Stream(Connection& connection, const std::string& sql) {
  StreamResult result;
  auto stream = connection.Query({.sql = sql});
  while (true) {
    std::promise<QueryEvent> next;
    stream->Next([&next](QueryEvent event) { next.set_value(std::move(event)); });
    QueryEvent event = next.get_future().get();
    if (event.kind == QueryEvent::Kind::kRows) {
      for (const auto& row : event.rows) {
        for (const auto& cell : row) {
          result.bytes += static_cast<long>(cell.size());
        }
      }
      result.rows += static_cast<long>(event.rows.size());
      result.max_rss_kib = std::max(result.max_rss_kib, RssKiB());
    } else if (event.kind == QueryEvent::Kind::kSummary) {
      result.ok = true;
      return result;
    } else if (event.kind == QueryEvent::Kind::kError) {
      std::fprintf(stderr, "stream failed: %s\n", event.error.ToString().c_str());
      return result;
    }
  }
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
  auto server = testing::PostgresServer::Start();
  if (!server.ok()) {
    std::fprintf(stderr, "PostgreSQL: %s\n", server.status().ToString().c_str());
    return 1;
  }
  auto& pg = **server;
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

  // 1. psql COPY TO STDOUT into /dev/null.
  const std::string psql = "PGPASSWORD=" + pg.password() +
                           " /usr/lib/postgresql/15/bin/psql -q -h 127.0.0.1 -p " +
                           std::to_string(pg.port()) + " -U howler -d howler_test -c \"COPY (" +
                           select + ") TO STDOUT\" > /dev/null";
  auto start = Clock::now();
  if (std::system(psql.c_str()) != 0) {
    std::fprintf(stderr, "psql failed\n");
    return 1;
  }
  const double psql_seconds = Seconds(Clock::now() - start);

  // 2. The engine.
  Reactor reactor;
  auto engine = MakePostgresEngine(reactor);
  auto connection = testing::ConnectSync(*engine,
                                         {.engine = EngineKind::kPostgres,
                                          .host = pg.host(),
                                          .port = pg.port(),
                                          .database = pg.database(),
                                          .username = pg.user()},
                                         pg.password());
  if (!connection.ok()) {
    std::fprintf(stderr, "connect: %s\n", connection.status().ToString().c_str());
    return 1;
  }
  const long rss_before = RssKiB();
  start = Clock::now();
  StreamResult streamed = Stream(**connection, select);
  const double engine_seconds = Seconds(Clock::now() - start);
  if (!streamed.ok || streamed.rows != rows) {
    std::fprintf(stderr, "streamed %ld rows of %ld\n", streamed.rows, rows);
    return 1;
  }

  // 3. Time to the first row of SELECT 1 on an open connection.
  PGconn* raw = PQconnectdb(("host=127.0.0.1 port=" + std::to_string(pg.port()) +
                             " user=howler dbname=howler_test password=" + pg.password())
                                .c_str());
  std::vector<double> libpq_ms;
  std::vector<double> engine_ms;
  for (int i = 0; i < 200; ++i) {
    auto t0 = Clock::now();
    PQclear(PQexec(raw, "SELECT 1"));
    libpq_ms.push_back(Seconds(Clock::now() - t0) * 1000);
    t0 = Clock::now();
    auto stream = (*connection)->Query({.sql = "SELECT 1"});
    bool first_row = false;
    while (true) {
      std::promise<QueryEvent> next;
      stream->Next([&next](QueryEvent event) { next.set_value(std::move(event)); });
      QueryEvent event = next.get_future().get();
      if (event.kind == QueryEvent::Kind::kRows && !first_row) {
        first_row = true;
        engine_ms.push_back(Seconds(Clock::now() - t0) * 1000);
      }
      if (event.kind == QueryEvent::Kind::kSummary || event.kind == QueryEvent::Kind::kError) {
        break;
      }
    }
  }
  PQfinish(raw);
  (*connection)->Close();

  std::printf("rows %ld x 5 columns\n", rows);
  std::printf("psql COPY TO STDOUT > /dev/null: %.3f s, %.0f rows/s\n", psql_seconds,
              rows / psql_seconds);
  std::printf("engine stream (JSON cells, no HTTP): %.3f s, %.0f rows/s, %.1f MiB of cells\n",
              engine_seconds, rows / engine_seconds, streamed.bytes / 1048576.0);
  std::printf("engine / psql rows/s ratio: %.2f\n", psql_seconds / engine_seconds);
  std::printf("RSS before %ld KiB, max during stream %ld KiB, growth %.1f MiB\n", rss_before,
              streamed.max_rss_kib, (streamed.max_rss_kib - rss_before) / 1024.0);
  std::printf(
      "first row of SELECT 1 on an open connection: engine median %.3f ms, "
      "blocking PQexec median %.3f ms\n",
      Median(engine_ms), Median(libpq_ms));
  return 0;
}
