// Sync throughput on the embedded backend, each figure against a raw SQLite baseline
// measured in the same run (issue 4):
//
//   upload:   raw C API (BEGIN; 100 prepared INSERTs of sync_items rows; COMMIT) vs
//             SyncService::Upload of 100-change batches of the same rows, and the same
//             plus the HTTP JSON work (parse the body, ParseUploadBody, UploadResultJson)
//   download: raw C API reads of 500 rows (user_id = ? AND seq > ? ORDER BY seq LIMIT 500,
//             the same columns) vs SyncService::Download pages of 500, and the same plus
//             DownloadResultJson
//   write:    the writer's share alone, on one thread: 16 users' upload write batches
//             committed one per transaction and 8 per transaction, vs raw inserts
//   latency:  one 100-change upload while 16 threads upload at once, as 16 devices of one
//             user (they take turns on the user's lock) and as 16 users (whose write
//             batches share transactions: the mean uploads per transaction is printed)
//
// Temp-file databases with migrations applied and the server's PRAGMAs (WAL,
// synchronous=NORMAL, foreign_keys=ON, temp_store=MEMORY). The arms of each round are
// interleaved (order alternating per round) and each arm writes its own user, so every
// arm sees the same number of stored items per user. Prepared data (parsed JSON, request
// bodies) is built before the clock starts.
//
// usage: sync_bench [--rounds N] [--batches N] [--batch N] [--page N] [--passes N]
//                   [--threads N] [--per-thread N] [--dir PATH] [--no-concurrency]
//                   [--what-if-count-index] [--what-if-cache-mib N] [--raw-only]
// --raw-only measures the raw upload baseline alone and ends with one line
// "RAW_INSERTS changes_per_s=N" (the median of the rounds), for bench/sync_load.sh.
// Experiments, not the shipped configuration: --what-if-count-index adds an index on
// sync_items (user_id, deleted, item_type) to both databases, which makes the quota
// COUNT(*) of every upload a covering-index scan; --what-if-cache-mib N sets PRAGMA
// cache_size to N MiB on both writer connections (SQLite's default is 2 MiB), where the
// upload's reads run.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/temp_dir.h"
#include "http/sync_json.h"
#include "metrics/metrics.h"
#include "storage/metered_database.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "storage/sqlite/sqlite_database.h"
#include "storage/sync_store.h"
#include "sync/cursor.h"
#include "sync/data_sanitizer.h"
#include "sync/json_value.h"
#include "sync/sync_service.h"

namespace {

using namespace howler;
using Steady = std::chrono::steady_clock;

struct Config {
  int rounds = 4;       // interleaved rounds of the upload arms
  int batches = 50;     // 100-change batches per arm per round
  int batch = 100;      // changes per upload
  int page = 500;       // download page size
  int passes = 3;       // full download passes per arm
  int threads = 16;     // concurrent devices
  int per_thread = 10;  // uploads per device in the concurrency phase
  bool concurrency = true;
  bool raw_only = false;       // --raw-only: see the usage comment
  bool what_if_index = false;  // --what-if-count-index: see main()
  int what_if_cache_mib = 0;   // --what-if-cache-mib N: see main()
  std::string dir;             // default: a fresh temp dir
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "sync_bench: %s\n", what.c_str());
  std::exit(1);
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

double Seconds(Steady::duration d) {
  return std::chrono::duration<double>(d).count();
}

// ~300 bytes of a realistic saved query (distinct per item).
std::string SavedQueryJson(int n) {
  char buf[512];
  std::snprintf(
      buf, sizeof(buf),
      R"({"name":"Revenue by region %06d",)"
      R"("query":"SELECT r.name, date_trunc('month', o.created_at) AS month, SUM(o.total) )"
      R"(FROM orders o JOIN regions r ON r.id = o.region_id WHERE o.status = 'paid' )"
      R"(GROUP BY 1, 2","connection_id":"conn-%d","tags":["finance"],"favorite":false,)"
      R"("created_at":"2026-01-01T00:00:00Z"})",
      n, n % 7);
  return buf;
}

// ---------------------------------------------------------------- raw SQLite baseline

struct RawDb {
  sqlite3* db = nullptr;
  explicit RawDb(const std::string& path, bool read_only) {
    const int flags =
        SQLITE_OPEN_NOMUTEX |
        (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) Die("open " + path);
    sqlite3_busy_timeout(db, 5000);
    // The server's PRAGMAs (storage/sqlite/sqlite_connection.cpp).
    if (!read_only) Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA foreign_keys=ON");
    Exec("PRAGMA synchronous=NORMAL");
    Exec("PRAGMA temp_store=MEMORY");
  }
  ~RawDb() { sqlite3_close_v2(db); }
  void Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      Die(std::string(sql) + ": " + (err ? err : "?"));
    }
  }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      Die(std::string("prepare: ") + sqlite3_errmsg(db));
    }
    return s;
  }
};

// One row as the service would store it.
struct Row {
  std::string item_id;
  std::string data;  // serialized as the service stores it
};

class RawWriter {
 public:
  RawWriter(RawDb& db, std::string user, std::string device)
      : db_(db), user_(std::move(user)), device_(std::move(device)) {
    insert_ = db_.Prepare(
        "INSERT INTO sync_items (user_id, item_type, item_id, data, sync_version, deleted, "
        "device_id, seq, created_at, updated_at, deleted_at) "
        "VALUES (?, 'saved_query', ?, ?, 1, 0, ?, ?, ?, ?, NULL)");
    begin_ = db_.Prepare("BEGIN IMMEDIATE");
    commit_ = db_.Prepare("COMMIT");
  }
  ~RawWriter() {
    sqlite3_finalize(insert_);
    sqlite3_finalize(begin_);
    sqlite3_finalize(commit_);
  }
  void Batch(const Row* rows, int n, std::int64_t now) {
    Step(begin_);
    for (int i = 0; i < n; ++i) {
      sqlite3_bind_text(insert_, 1, user_.data(), static_cast<int>(user_.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_, 2, rows[i].item_id.data(),
                        static_cast<int>(rows[i].item_id.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_, 3, rows[i].data.data(), static_cast<int>(rows[i].data.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(insert_, 4, device_.data(), static_cast<int>(device_.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(insert_, 5, ++seq_);
      sqlite3_bind_int64(insert_, 6, now);
      sqlite3_bind_int64(insert_, 7, now);
      Step(insert_);
    }
    Step(commit_);
  }

 private:
  void Step(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) Die(std::string("step: ") + sqlite3_errmsg(db_.db));
    sqlite3_reset(s);
  }
  RawDb& db_;
  std::string user_, device_;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  std::int64_t seq_ = 0;
};

// Pages through a user's items like a download, reading every column. With `copy`, the
// row is also copied into a SyncItemRecord (what any caller would need to do with it).
std::int64_t RawReadAll(RawDb& db, const std::string& user, int page, bool copy,
                        std::int64_t* checksum) {
  sqlite3_stmt* s = db.Prepare(
      "SELECT item_type, item_id, data, sync_version, deleted, device_id, seq, created_at, "
      "updated_at, deleted_at FROM sync_items WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?");
  std::int64_t after = 0, total = 0;
  std::vector<storage::SyncItemRecord> records;
  auto text = [s](int c) {
    return std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(s, c)),
                            static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
  };
  for (;;) {
    sqlite3_bind_text(s, 1, user.data(), static_cast<int>(user.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, after);
    sqlite3_bind_int(s, 3, page);
    int n = 0;
    records.clear();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      ++n;
      if (copy) {
        storage::SyncItemRecord r;
        r.item_type = text(0);
        r.item_id = text(1);
        r.data = text(2);
        r.sync_version = sqlite3_column_int64(s, 3);
        r.deleted = sqlite3_column_int64(s, 4) != 0;
        r.device_id = text(5);
        r.seq = sqlite3_column_int64(s, 6);
        r.created_at = sqlite3_column_int64(s, 7);
        r.updated_at = sqlite3_column_int64(s, 8);
        if (sqlite3_column_type(s, 9) != SQLITE_NULL) r.deleted_at = sqlite3_column_int64(s, 9);
        after = r.seq;
        *checksum += static_cast<std::int64_t>(r.data.size());
        records.push_back(std::move(r));
      } else {
        *checksum += static_cast<std::int64_t>(text(0).size() + text(1).size() + text(2).size() +
                                               text(5).size());
        *checksum += sqlite3_column_int64(s, 3) + sqlite3_column_int64(s, 4) +
                     sqlite3_column_int64(s, 7) + sqlite3_column_int64(s, 8) +
                     (sqlite3_column_type(s, 9) == SQLITE_NULL ? 0 : 1);
        after = sqlite3_column_int64(s, 6);
      }
    }
    if (rc != SQLITE_DONE) Die(std::string("read: ") + sqlite3_errmsg(db.db));
    sqlite3_reset(s);
    total += n;
    if (n < page) break;
  }
  sqlite3_finalize(s);
  return total;
}

// ---------------------------------------------------------------- service side

struct Service {
  std::unique_ptr<storage::Database> raw;
  metrics::Metrics metrics;
  std::unique_ptr<storage::MeteredDatabase> db;
  std::unique_ptr<storage::SyncStore> store;
  SystemClock clock;
  std::unique_ptr<sync::SyncService> sync;
};

std::unique_ptr<storage::Database> OpenMigrated(const std::string& path) {
  storage::SqliteOptions o;
  o.path = path;
  auto db = storage::OpenSqliteDatabase(o);
  if (!db.ok()) Die("open: " + db.status().ToString());
  Check(storage::ApplyMigrations(**db, storage::EmbeddedMigrations(), 0), "migrations");
  return std::move(db).value();
}

void AddUser(storage::Database& db, const std::string& id) {
  Check(db.Execute({"INSERT INTO users (id, username, username_key, email, password_hash, tier, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 'free', 0, 0)",
                    {id, id, id, id + "@example.com"}})
            .status(),
        "add user");
}

std::unique_ptr<Service> OpenService(const std::string& path) {
  auto s = std::make_unique<Service>();
  s->raw = OpenMigrated(path);
  s->db = std::make_unique<storage::MeteredDatabase>(*s->raw, s->metrics);
  s->store = std::make_unique<storage::SyncStore>(*s->db);
  sync::SyncOptions o;  // the server's defaults, with quotas out of the way
  o.quotas.free = {1'000'000'000, 1'000'000'000, 1'000'000'000};
  // The server admits at most 4 writes of one user at once and answers the rest 503; here
  // all 16 "devices of one user" are admitted, to measure how they take turns.
  o.max_writes_per_user = 64;
  s->sync = std::make_unique<sync::SyncService>(*s->store, s->clock, o, &s->metrics);
  return s;
}

// A batch ready for SyncService::Upload, and its HTTP body text.
struct PreparedBatch {
  sync::UploadRequest request;
  std::string body;
};

PreparedBatch MakeBatch(const std::string& device, const std::string& prefix, int first, int n,
                        const std::vector<std::string>& json) {
  PreparedBatch b;
  b.request.device_id = device;
  b.body = "{\"device_id\":\"" + device + "\",\"changes\":[";
  for (int i = 0; i < n; ++i) {
    const int k = first + i;
    sync::ChangeInput c;
    c.change_id = prefix + "-chg-" + std::to_string(k);
    c.item_type = "saved_query";
    c.item_id = prefix + "-q-" + std::to_string(k);
    c.action = "create";
    c.sync_version = 0;
    auto parsed = sync::ParseJson(json[static_cast<std::size_t>(k)]);
    if (!parsed.ok()) Die("bad test json");
    c.data = std::move(parsed).value();
    if (i != 0) b.body += ",";
    b.body += "{\"id\":\"" + c.change_id + "\",\"item_type\":\"saved_query\",\"item_id\":\"" +
              c.item_id + "\",\"action\":\"create\",\"sync_version\":0,\"data\":" +
              json[static_cast<std::size_t>(k)] + "}";
    b.request.changes.push_back(std::move(c));
  }
  b.body += "]}";
  return b;
}

void UploadOrDie(sync::SyncService& s, const std::string& user, const sync::UploadRequest& r) {
  auto result = s.Upload(user, r);
  if (!result.ok()) Die("upload: " + result.status().ToString());
  if (result->applied != static_cast<int>(r.changes.size())) Die("upload: not all applied");
}

std::size_t UploadHttpOrDie(sync::SyncService& s, const std::string& user,
                            const std::string& body) {
  boost::json::value v = boost::json::parse(body);
  auto request = http::ParseUploadBody(v.as_object(), s.options().max_changes);
  if (!request.ok()) Die("parse: " + request.status().ToString());
  request->payload_bytes = body.size();
  auto result = s.Upload(user, *request);
  if (!result.ok()) Die("upload: " + result.status().ToString());
  if (result->applied != static_cast<int>(request->changes.size())) Die("upload: not all applied");
  return http::UploadResultJson(*result, v.as_object().at("changes").as_array()).size();
}

std::int64_t ServiceDownloadAll(sync::SyncService& s, const std::string& user, int page,
                                bool render, std::int64_t* checksum) {
  sync::DownloadRequest r;
  r.device_id = "reader";
  r.limit = page;
  std::int64_t total = 0;
  for (;;) {
    auto result = s.Download(user, r);
    if (!result.ok()) Die("download: " + result.status().ToString());
    total += static_cast<std::int64_t>(result->items.size());
    if (render) {
      *checksum += static_cast<std::int64_t>(http::DownloadResultJson(*result).size());
    } else {
      for (const auto& item : result->items)
        *checksum += static_cast<std::int64_t>(item.data.size());
    }
    if (!result->has_more) break;
    r.cursor = sync::EncodeCursor(result->cursor);
  }
  return total;
}

// ---------------------------------------------------------------- reporting

struct Spread {
  std::vector<double> v;
  void Add(double x) { v.push_back(x); }
  double Median() const {
    auto s = v;
    std::sort(s.begin(), s.end());
    return s.empty()
               ? 0
               : (s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2);
  }
  double Min() const { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }
  double Max() const { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void PrintSpread(const char* name, const Spread& s) {
  std::printf("  %-44s median %9.0f  (min %9.0f, max %9.0f) changes/s\n", name, s.Median(), s.Min(),
              s.Max());
}

// Runs `threads` uploaders at once (device i of `users[i % users.size()]`), `per_thread`
// uploads each, and reports latency of one upload and the aggregate throughput.
void Concurrency(Service& svc, const std::vector<std::string>& users, const Config& cfg,
                 const std::vector<std::string>& json, const char* label, int id_base) {
  std::vector<std::vector<PreparedBatch>> work(static_cast<std::size_t>(cfg.threads));
  int k = id_base;
  for (int t = 0; t < cfg.threads; ++t) {
    for (int i = 0; i < cfg.per_thread; ++i, k += cfg.batch) {
      work[static_cast<std::size_t>(t)].push_back(
          MakeBatch("dev-" + std::to_string(t), "c" + std::to_string(id_base), k, cfg.batch, json));
    }
  }
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(cfg.threads));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < cfg.threads; ++t) {
    pool.emplace_back([&, t] {
      const std::string& user = users[static_cast<std::size_t>(t) % users.size()];
      ++ready;
      while (!go.load()) std::this_thread::yield();
      for (const PreparedBatch& b : work[static_cast<std::size_t>(t)]) {
        auto t0 = Steady::now();
        UploadOrDie(*svc.sync, user, b.request);
        lat[static_cast<std::size_t>(t)].push_back(Seconds(Steady::now() - t0) * 1000);
      }
    });
  }
  while (ready.load() < cfg.threads) std::this_thread::yield();
  const storage::GroupCommit::Stats before = svc.store->group_commit().stats();
  auto t0 = Steady::now();
  go = true;
  for (auto& th : pool) th.join();
  double wall = Seconds(Steady::now() - t0);
  const storage::GroupCommit::Stats after = svc.store->group_commit().stats();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  std::printf(
      "  %-28s %3d threads x %d uploads: %8.0f changes/s  latency ms p50 %.2f  p90 %.2f  "
      "p99 %.2f  max %.2f; %.1f uploads per transaction\n",
      label, cfg.threads, cfg.per_thread, static_cast<double>(all.size()) * cfg.batch / wall,
      Percentile(all, 50), Percentile(all, 90), Percentile(all, 99), Percentile(all, 100),
      static_cast<double>(after.batches - before.batches) /
          static_cast<double>(std::max<std::int64_t>(1, after.groups - before.groups)));
}

// ---------------------------------------------------------------- write path

// One user of the write-path phase: its id and last sequence number.
struct WriteUser {
  std::string id;
  std::int64_t seq = 0;
};

// The write batch of an upload of `n` new items (rows[first..]) as PlanUpload builds it:
// sequence guard, items (each with the change id that wrote it), live count, device row.
std::vector<storage::Statement> UploadBatch(WriteUser& u, const std::vector<Row>& rows,
                                            std::size_t first, int n, std::int64_t now) {
  std::vector<storage::SyncItemRecord> items;
  const std::int64_t expected = u.seq;
  for (int i = 0; i < n; ++i) {
    storage::SyncItemRecord item;
    item.item_type = "saved_query";
    item.item_id = rows[first + static_cast<std::size_t>(i)].item_id;
    item.data = rows[first + static_cast<std::size_t>(i)].data;
    item.sync_version = 1;
    item.device_id = "dev";
    item.seq = ++u.seq;
    item.created_at = item.updated_at = now;
    item.change_id = "chg-" + item.item_id;  // an applied change's id lives in its item row
    items.push_back(std::move(item));
  }
  std::vector<storage::Statement> batch =
      storage::SyncStore::GuardSequence(u.id, expected, u.seq, now);
  auto append = [&batch](std::vector<storage::Statement> more) {
    for (auto& s : more) batch.push_back(std::move(s));
  };
  append(storage::SyncStore::UpsertItems(u.id, items));
  batch.push_back(storage::SyncStore::AddLiveCount(u.id, "saved_query", n));
  batch.push_back(storage::SyncStore::RecordUpload(u.id, "dev", now, n));
  return batch;
}

// The writer's share of uploads, on one thread: the write batches of `users` users'
// uploads committed one per transaction, and `group` per transaction (as GroupCommit does
// with concurrent uploads), against raw inserts of as many rows in transactions of one
// upload's size; arms interleaved per round, batches built before the clock starts.
void WritePath(Service& svc, RawDb& raw, const std::vector<Row>& rows, const Config& cfg,
               std::int64_t now) {
  constexpr int kUsers = 16;
  constexpr int kGroup = 8;
  const int rounds = std::min(cfg.rounds, static_cast<int>(rows.size()) / (kUsers * cfg.batch));
  std::vector<WriteUser> alone, grouped;
  for (int u = 0; u < kUsers; ++u) {
    alone.push_back({"wp-alone-" + std::to_string(u)});
    grouped.push_back({"wp-group-" + std::to_string(u)});
    AddUser(*svc.raw, alone.back().id);
    AddUser(*svc.raw, grouped.back().id);
  }
  raw.Exec(
      "INSERT INTO users (id, username, username_key, email, password_hash, tier, "
      "created_at, updated_at) VALUES ('raw-wp', 'raw-wp', 'raw-wp', 'raw-wp@x', 'x', "
      "'free', 0, 0)");
  RawWriter raw_writer(raw, "raw-wp", "dev");
  Spread s_raw, s_alone, s_group, r_alone, r_group;
  for (int round = 0; round < rounds; ++round) {
    const std::size_t first = static_cast<std::size_t>(round * cfg.batch);
    std::vector<std::vector<storage::Statement>> singles, groups(kUsers / kGroup);
    for (int u = 0; u < kUsers; ++u) {
      singles.push_back(UploadBatch(alone[u], rows, first, cfg.batch, now));
      for (auto& st : UploadBatch(grouped[u], rows, first, cfg.batch, now)) {
        groups[static_cast<std::size_t>(u / kGroup)].push_back(std::move(st));
      }
    }
    double t[3];
    auto arm = [&](int which) {
      auto t0 = Steady::now();
      if (which == 0) {
        for (int u = 0; u < kUsers; ++u) {
          raw_writer.Batch(&rows[static_cast<std::size_t>((round * kUsers + u) * cfg.batch)],
                           cfg.batch, now);
        }
      } else {
        for (const auto& batch : which == 1 ? singles : groups) {
          Check(svc.raw->Batch(batch).status(), "write path");
        }
      }
      t[which] = Seconds(Steady::now() - t0);
    };
    for (int w = 0; w < 3; ++w) arm(round % 2 == 0 ? w : 2 - w);
    const double n = static_cast<double>(kUsers) * cfg.batch;
    s_raw.Add(n / t[0]);
    s_alone.Add(n / t[1]);
    s_group.Add(n / t[2]);
    r_alone.Add(t[0] / t[1]);
    r_group.Add(t[0] / t[2]);
  }
  std::printf("\n== write path: %d users' %d-change upload batches, one thread, %d rounds\n",
              kUsers, cfg.batch, rounds);
  PrintSpread("raw SQLite inserts (one upload per txn)", s_raw);
  PrintSpread("upload batches, one per transaction", s_alone);
  PrintSpread("upload batches, 8 per transaction", s_group);
  std::printf("  ratio one per transaction/raw: median %.2f; 8 per transaction/raw: median %.2f\n",
              r_alone.Median(), r_group.Median());
}

// The raw upload baseline alone (--raw-only): `cfg.rounds` rounds of `cfg.batches`
// transactions of `cfg.batch` rows; prints each round and the median as RAW_INSERTS.
void RawOnly(RawWriter& writer, const std::vector<Row>& rows, const Config& cfg, std::int64_t now) {
  Spread rate;
  for (int round = 0, next = 0; round < cfg.rounds; ++round, next += cfg.batches) {
    auto t0 = Steady::now();
    for (int b = 0; b < cfg.batches; ++b) {
      writer.Batch(&rows[static_cast<std::size_t>((next + b) * cfg.batch)], cfg.batch, now);
    }
    const double t = Seconds(Steady::now() - t0);
    rate.Add(static_cast<double>(cfg.batches) * cfg.batch / t);
    std::printf("  round %d: %.0f changes/s\n", round, rate.v.back());
  }
  std::printf("RAW_INSERTS changes_per_s=%.0f\n", rate.Median());
}

int IntArg(int& i, int argc, char** argv) {
  if (i + 1 >= argc) Die(std::string("missing value for ") + argv[i]);
  return std::atoi(argv[++i]);
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds")
      cfg.rounds = IntArg(i, argc, argv);
    else if (a == "--batches")
      cfg.batches = IntArg(i, argc, argv);
    else if (a == "--batch")
      cfg.batch = IntArg(i, argc, argv);
    else if (a == "--page")
      cfg.page = IntArg(i, argc, argv);
    else if (a == "--passes")
      cfg.passes = IntArg(i, argc, argv);
    else if (a == "--threads")
      cfg.threads = IntArg(i, argc, argv);
    else if (a == "--per-thread")
      cfg.per_thread = IntArg(i, argc, argv);
    else if (a == "--no-concurrency")
      cfg.concurrency = false;
    else if (a == "--raw-only")
      cfg.raw_only = true;
    else if (a == "--what-if-count-index")
      cfg.what_if_index = true;
    else if (a == "--what-if-cache-mib")
      cfg.what_if_cache_mib = IntArg(i, argc, argv);
    else if (a == "--dir" && i + 1 < argc)
      cfg.dir = argv[++i];
    else
      Die("unknown argument " + a + " (see the usage comment in bench/sync_bench.cpp)");
  }
  std::optional<TempDir> temp;
  if (cfg.dir.empty()) {
    auto t = TempDir::Create("sync-bench-");
    if (!t.ok()) Die("temp dir");
    temp.emplace(std::move(t).value());
    cfg.dir = temp->path().string();
  }
  const std::string raw_path = cfg.dir + "/raw.db";
  const std::string svc_path = cfg.dir + "/service.db";
  std::filesystem::remove(raw_path);
  std::filesystem::remove(svc_path);

  const int per_arm = cfg.rounds * cfg.batches * cfg.batch;
  const int concurrent_items = cfg.concurrency ? 2 * cfg.threads * cfg.per_thread * cfg.batch : 0;
  std::vector<std::string> json;
  json.reserve(static_cast<std::size_t>(per_arm * 2 + concurrent_items));
  for (int i = 0; i < per_arm * 2 + concurrent_items; ++i) json.push_back(SavedQueryJson(i));

  std::printf("sync_bench: sqlite %s, %s\n", sqlite3_libversion(), cfg.dir.c_str());
  std::printf(
      "  %d rounds x %d batches x %d changes per arm (%d items per user), data ~%zu bytes\n",
      cfg.rounds, cfg.batches, cfg.batch, per_arm, json[0].size());

  // Databases: the raw one gets the same migrations (sync_items with its indexes and
  // foreign key), then is written only through the C API.
  const storage::Statement what_if{
      "CREATE INDEX what_if_live_counts ON sync_items (user_id, deleted, item_type)", {}};
  {
    auto db = OpenMigrated(raw_path);
    AddUser(*db, "raw-user");
    if (cfg.what_if_index) Check(db->Execute(what_if).status(), "what-if index");
  }
  RawDb raw(raw_path, /*read_only=*/false);
  RawWriter raw_writer(raw, "raw-user", "dev-raw");
  auto svc = OpenService(svc_path);
  if (cfg.what_if_index) {
    Check(svc->raw->Execute(what_if).status(), "what-if index");
    std::printf(
        "  WHAT-IF: index sync_items (user_id, deleted, item_type) added to both databases\n");
  }
  if (cfg.what_if_cache_mib > 0) {
    const std::string pragma = "PRAGMA cache_size=-" + std::to_string(cfg.what_if_cache_mib * 1024);
    Check(svc->raw->Execute({pragma, {}}).status(), "what-if cache");  // the writer connection
    raw.Exec(pragma.c_str());
    std::printf("  WHAT-IF: %s on both writer connections\n", pragma.c_str());
  }
  for (const char* u : {"svc-user", "http-user", "devices-user"}) AddUser(*svc->raw, u);
  for (int t = 0; t < cfg.threads; ++t) AddUser(*svc->raw, "user-" + std::to_string(t));

  // Inputs, prepared before any clock starts.
  std::vector<Row> rows;  // stored form of the service's data
  for (int i = 0; i < per_arm; ++i) {
    auto parsed = sync::ParseJson(json[static_cast<std::size_t>(i)]);
    sync::SanitizeItemData(sync::ItemType::kSavedQuery, *parsed, {true});  // the stored bytes
    rows.push_back({"raw-q-" + std::to_string(i), sync::SerializeJson(*parsed)});
  }
  if (cfg.raw_only) {
    RawOnly(raw_writer, rows, cfg, svc->clock.NowMillis());
    return 0;
  }
  std::vector<PreparedBatch> svc_batches, http_batches;
  for (int i = 0; i < per_arm; i += cfg.batch) {
    svc_batches.push_back(MakeBatch("dev-svc", "svc", i, cfg.batch, json));
    http_batches.push_back(MakeBatch("dev-http", "http", per_arm + i, cfg.batch, json));
  }
  std::printf("  stored data %zu bytes, upload body %zu bytes per batch\n", rows[0].data.size(),
              http_batches[0].body.size());

  // ------------------------------------------------------------ upload
  std::printf("\n== upload, %d-change batches (one transaction each)\n", cfg.batch);
  std::printf("  %-6s %-10s %12s %12s %12s %8s %8s   ms/batch raw, svc, http\n", "round",
              "items/user", "raw", "service", "svc+json", "svc/raw", "http/raw");
  Spread s_raw, s_svc, s_http, r_svc, r_http;
  int next = 0;
  const std::int64_t now = svc->clock.NowMillis();
  for (int round = 0; round < cfg.rounds; ++round) {
    double t_raw = 0, t_svc = 0, t_http = 0;
    auto run_raw = [&] {
      auto t0 = Steady::now();
      for (int b = 0; b < cfg.batches; ++b) {
        raw_writer.Batch(&rows[static_cast<std::size_t>((next + b) * cfg.batch)], cfg.batch, now);
      }
      t_raw = Seconds(Steady::now() - t0);
    };
    auto run_svc = [&] {
      auto t0 = Steady::now();
      for (int b = 0; b < cfg.batches; ++b) {
        UploadOrDie(*svc->sync, "svc-user",
                    svc_batches[static_cast<std::size_t>(next + b)].request);
      }
      t_svc = Seconds(Steady::now() - t0);
    };
    auto run_http = [&] {
      auto t0 = Steady::now();
      std::size_t bytes = 0;
      for (int b = 0; b < cfg.batches; ++b) {
        bytes += UploadHttpOrDie(*svc->sync, "http-user",
                                 http_batches[static_cast<std::size_t>(next + b)].body);
      }
      t_http = Seconds(Steady::now() - t0);
      if (bytes == 0) Die("empty response");
    };
    if (round % 2 == 0) {
      run_raw();
      run_svc();
      run_http();
    } else {
      run_http();
      run_svc();
      run_raw();
    }
    const double n = static_cast<double>(cfg.batches) * cfg.batch;
    s_raw.Add(n / t_raw);
    s_svc.Add(n / t_svc);
    s_http.Add(n / t_http);
    r_svc.Add(t_raw / t_svc);
    r_http.Add(t_raw / t_http);
    std::printf("  %-6d %-10d %12.0f %12.0f %12.0f %8.2f %8.2f   %.2f, %.2f, %.2f\n", round,
                next * cfg.batch, n / t_raw, n / t_svc, n / t_http, t_raw / t_svc, t_raw / t_http,
                t_raw * 1000 / cfg.batches, t_svc * 1000 / cfg.batches,
                t_http * 1000 / cfg.batches);
    next += cfg.batches;
  }
  PrintSpread("raw SQLite inserts", s_raw);
  PrintSpread("SyncService::Upload", s_svc);
  PrintSpread("parse + Upload + UploadResultJson", s_http);
  std::printf("  ratio service/raw: median %.2f (min %.2f, max %.2f)  [target >= 0.30]\n",
              r_svc.Median(), r_svc.Min(), r_svc.Max());
  std::printf("  ratio svc+json/raw: median %.2f (min %.2f, max %.2f)\n", r_http.Median(),
              r_http.Min(), r_http.Max());

  // Where an upload's time goes at the final size: the read batch alone (all of it, and
  // its quota COUNT alone) for a batch of new keys, against one whole Upload.
  {
    const sync::UploadRequest& probe = svc_batches.back().request;
    std::vector<storage::ItemKey> keys;
    std::vector<std::string> ids;
    for (const auto& c : probe.changes) {
      keys.push_back({c.item_type, c.item_id + "-probe"});
      ids.push_back(c.change_id + "-probe");
    }
    auto median_ms = [](auto&& fn) {
      std::vector<double> v;
      for (int i = 0; i < 15; ++i) {
        auto t0 = Steady::now();
        fn();
        v.push_back(Seconds(Steady::now() - t0) * 1000);
      }
      return Percentile(v, 50);
    };
    const double read_ms = median_ms([&] {
      auto st = svc->store->ReadUploadState("svc-user", "dev-svc", keys, ids);
      if (!st.ok()) Die("read state: " + st.status().ToString());
    });
    const double count_ms = median_ms([&] {
      auto rs =
          svc->db->Batch({{"SELECT item_type, COUNT(*) FROM sync_items WHERE user_id = ? "
                           "AND deleted = 0 GROUP BY item_type",
                           {std::string("svc-user")}}});
      if (!rs.ok()) Die("count: " + rs.status().ToString());
    });
    const double raw_ms = median_ms([&] {
      sqlite3_stmt* st = raw.Prepare(
          "SELECT item_type, COUNT(*) FROM sync_items WHERE user_id = 'raw-user' AND deleted = 0 "
          "GROUP BY item_type");
      while (sqlite3_step(st) == SQLITE_ROW) {
      }
      sqlite3_finalize(st);
    });
    std::printf(
        "  breakdown at %d items/user: ReadUploadState %.2f ms per upload, of which the "
        "quota COUNT(*) %.2f ms (same COUNT raw: %.2f ms)\n",
        per_arm, read_ms, count_ms, raw_ms);
  }

  WritePath(*svc, raw, rows, cfg, now);

  // ------------------------------------------------------------ download
  std::printf("\n== download, pages of %d, %d items per pass, %d passes per arm\n", cfg.page,
              per_arm, cfg.passes);
  RawDb reader(svc_path, /*read_only=*/true);  // the service's own rows, read raw
  Spread d_raw, d_copy, d_svc, d_json, q_svc, q_json;
  std::int64_t sum = 0;
  // One untimed pass of each reader, so that every connection starts with a warm cache.
  RawReadAll(reader, "svc-user", cfg.page, false, &sum);
  for (int i = 0; i < 4; ++i) ServiceDownloadAll(*svc->sync, "svc-user", cfg.page, false, &sum);
  for (int pass = 0; pass < cfg.passes; ++pass) {
    double t[4];
    auto arm = [&](int which) {
      auto t0 = Steady::now();
      std::int64_t n = 0;
      switch (which) {
        case 0:
          n = RawReadAll(reader, "svc-user", cfg.page, false, &sum);
          break;
        case 1:
          n = RawReadAll(reader, "svc-user", cfg.page, true, &sum);
          break;
        case 2:
          n = ServiceDownloadAll(*svc->sync, "svc-user", cfg.page, false, &sum);
          break;
        case 3:
          n = ServiceDownloadAll(*svc->sync, "svc-user", cfg.page, true, &sum);
          break;
      }
      t[which] = Seconds(Steady::now() - t0);
      if (n != per_arm) Die("download: read " + std::to_string(n) + " items");
    };
    if (pass % 2 == 0) {
      for (int w = 0; w < 4; ++w) arm(w);
    } else {
      for (int w = 3; w >= 0; --w) arm(w);
    }
    d_raw.Add(per_arm / t[0]);
    d_copy.Add(per_arm / t[1]);
    d_svc.Add(per_arm / t[2]);
    d_json.Add(per_arm / t[3]);
    q_svc.Add(t[0] / t[2]);
    q_json.Add(t[0] / t[3]);
    std::printf(
        "  pass %d: raw %.0f, raw+copy %.0f, service %.0f, service+json %.0f changes/s;"
        " ms/page %.2f, %.2f, %.2f, %.2f\n",
        pass, per_arm / t[0], per_arm / t[1], per_arm / t[2], per_arm / t[3],
        t[0] * 1000 * cfg.page / per_arm, t[1] * 1000 * cfg.page / per_arm,
        t[2] * 1000 * cfg.page / per_arm, t[3] * 1000 * cfg.page / per_arm);
  }
  PrintSpread("raw SQLite reads", d_raw);
  PrintSpread("raw SQLite reads + copy into records", d_copy);
  PrintSpread("SyncService::Download", d_svc);
  PrintSpread("Download + DownloadResultJson", d_json);
  std::printf("  ratio service/raw: median %.2f (min %.2f, max %.2f)  [target >= 0.30]\n",
              q_svc.Median(), q_svc.Min(), q_svc.Max());
  std::printf("  ratio service+json/raw: median %.2f (min %.2f, max %.2f)\n", q_json.Median(),
              q_json.Min(), q_json.Max());
  {
    auto median_ms = [](auto&& fn) {
      std::vector<double> v;
      for (int i = 0; i < 15; ++i) {
        auto t0 = Steady::now();
        fn();
        v.push_back(Seconds(Steady::now() - t0) * 1000);
      }
      return Percentile(v, 50);
    };
    const double page_ms = median_ms([&] {
      auto p = svc->store->ReadPage("svc-user", 0, std::nullopt, cfg.page + 1);
      if (!p.ok()) Die("read page: " + p.status().ToString());
      sum += static_cast<std::int64_t>(p->items.size());
    });
    sync::DownloadRequest first;
    first.device_id = "reader";
    first.limit = cfg.page;
    auto one = svc->sync->Download("svc-user", first);
    if (!one.ok()) Die("download");
    const double json_ms =
        median_ms([&] { sum += static_cast<std::int64_t>(http::DownloadResultJson(*one).size()); });
    std::printf(
        "  breakdown per page of %d: SyncStore::ReadPage %.2f ms, DownloadResultJson %.2f ms "
        "(%zu bytes)\n",
        cfg.page, page_ms, json_ms, http::DownloadResultJson(*one).size());
  }
  if (sum == 42) std::printf(" ");  // keep the reads

  // ------------------------------------------------------------ concurrency
  if (cfg.concurrency) {
    std::printf("\n== latency of one %d-change upload under concurrency (in-process, no HTTP)\n",
                cfg.batch);
    const int base = 2 * per_arm;
    const std::string devices_label = std::to_string(cfg.threads) + " devices of one user";
    const std::string users_label = std::to_string(cfg.threads) + " users, one device each";
    Concurrency(*svc, {"devices-user"}, cfg, json, devices_label.c_str(), base);
    std::vector<std::string> users;
    for (int t = 0; t < cfg.threads; ++t) users.push_back("user-" + std::to_string(t));
    Concurrency(*svc, users, cfg, json, users_label.c_str(),
                base + cfg.threads * cfg.per_thread * cfg.batch);
  }
  return 0;
}
