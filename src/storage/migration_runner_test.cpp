#include "storage/migration_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "common/temp_dir.h"
#include "storage/fault_injecting_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace howler::storage {
namespace {

constexpr std::int64_t kNow = 1767225600000;  // 2026-01-01T00:00:00Z

const std::vector<Migration>& TwoMigrations() {
  static const std::vector<Migration> migrations = {
      {1, "0001_accounts",
       "-- accounts; first\nCREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL);\n"
       "CREATE INDEX idx_accounts_name ON accounts (name);\n"
       "CREATE TABLE audit (entry TEXT NOT NULL);\n"},
      {2, "0002_notes",
       "CREATE TABLE notes (id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES "
       "accounts (id), body TEXT NOT NULL DEFAULT 'a; b');\n"
       "INSERT INTO audit (entry) VALUES ('0002 ran');\n"},
  };
  return migrations;
}

std::unique_ptr<Database> OpenMemory() {
  auto db = OpenSqliteDatabase({.path = ":memory:"});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return std::move(db).value();
}

bool TableExists(Database& db, const std::string& name) {
  auto rows = db.Query({"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {name}});
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() && !rows->empty();
}

std::vector<AppliedMigration> MustList(Database& db) {
  auto applied = ListAppliedMigrations(db);
  EXPECT_TRUE(applied.ok()) << applied.status().ToString();
  return applied.ok() ? *applied : std::vector<AppliedMigration>{};
}

TEST(MigrationRunnerTest, ChecksumIsHexSha256OfTheText) {
  EXPECT_EQ(MigrationChecksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(MigrationChecksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(MigrationRunnerTest, ListIsEmptyOnAFreshDatabase) {
  auto db = OpenMemory();
  EXPECT_TRUE(MustList(*db).empty());
}

TEST(MigrationRunnerTest, FreshApplyCreatesTablesAndRecordsChecksums) {
  auto db = OpenMemory();
  std::vector<std::string> applied_names;
  ASSERT_TRUE(ApplyMigrations(*db, TwoMigrations(), kNow, &applied_names).ok());
  EXPECT_EQ(applied_names, (std::vector<std::string>{"0001_accounts", "0002_notes"}));
  EXPECT_TRUE(TableExists(*db, "accounts"));
  EXPECT_TRUE(TableExists(*db, "notes"));

  std::vector<AppliedMigration> applied = MustList(*db);
  ASSERT_EQ(applied.size(), 2u);
  for (std::size_t i = 0; i < applied.size(); ++i) {
    const Migration& m = TwoMigrations()[i];
    EXPECT_EQ(applied[i].version, m.version);
    EXPECT_EQ(applied[i].name, m.name);
    EXPECT_EQ(applied[i].checksum, MigrationChecksum(m.sql));
    EXPECT_EQ(applied[i].applied_at_ms, kNow);
  }
}

TEST(MigrationRunnerTest, RerunIsANoOp) {
  auto db = OpenMemory();
  ASSERT_TRUE(ApplyMigrations(*db, TwoMigrations(), kNow).ok());
  std::vector<std::string> applied_names;
  ASSERT_TRUE(ApplyMigrations(*db, TwoMigrations(), kNow + 1000, &applied_names).ok());
  EXPECT_TRUE(applied_names.empty());
  std::vector<AppliedMigration> applied = MustList(*db);
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0].applied_at_ms, kNow);
}

TEST(MigrationRunnerTest, AppliesOnlyThePendingMigrations) {
  auto db = OpenMemory();
  const std::vector<Migration> first = {TwoMigrations()[0]};
  ASSERT_TRUE(ApplyMigrations(*db, first, kNow).ok());
  EXPECT_FALSE(TableExists(*db, "notes"));
  std::vector<std::string> applied_names;
  ASSERT_TRUE(ApplyMigrations(*db, TwoMigrations(), kNow, &applied_names).ok());
  EXPECT_EQ(applied_names, (std::vector<std::string>{"0002_notes"}));
  EXPECT_TRUE(TableExists(*db, "notes"));
}

TEST(MigrationRunnerTest, ChangedAppliedMigrationIsRefused) {
  auto db = OpenMemory();
  ASSERT_TRUE(ApplyMigrations(*db, {TwoMigrations()[0]}, kNow).ok());
  std::vector<Migration> edited = TwoMigrations();
  edited[0].sql += "-- an innocent-looking edit\n";
  std::vector<std::string> applied_names;
  Status status = ApplyMigrations(*db, edited, kNow, &applied_names);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "migration 0001_accounts was changed after it was applied");
  EXPECT_TRUE(applied_names.empty());
  EXPECT_FALSE(TableExists(*db, "notes"));
}

TEST(MigrationRunnerTest, DatabaseNewerThanTheBinaryIsRefused) {
  auto db = OpenMemory();
  ASSERT_TRUE(ApplyMigrations(*db, TwoMigrations(), kNow).ok());
  Status status = ApplyMigrations(*db, {TwoMigrations()[0]}, kNow);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("0002_notes"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("newer"), std::string::npos) << status.message();
}

TEST(MigrationRunnerTest, FailingMigrationLeavesNothingOfItself) {
  auto db = OpenMemory();
  std::vector<Migration> migrations = TwoMigrations();
  migrations.push_back({3, "0003_broken",
                        "CREATE TABLE tags (id TEXT PRIMARY KEY);\n"
                        "INSERT INTO missing_table (x) VALUES (1);\n"
                        "CREATE TABLE labels (id TEXT PRIMARY KEY);\n"});
  std::vector<std::string> applied_names;
  Status status = ApplyMigrations(*db, migrations, kNow, &applied_names);
  EXPECT_EQ(status.code(), StatusCode::kInternal) << status.ToString();
  EXPECT_NE(status.message().find("0003_broken"), std::string::npos) << status.message();
  EXPECT_EQ(applied_names, (std::vector<std::string>{"0001_accounts", "0002_notes"}));
  EXPECT_FALSE(TableExists(*db, "tags"));
  EXPECT_FALSE(TableExists(*db, "labels"));
  EXPECT_EQ(MustList(*db).size(), 2u);
}

TEST(MigrationRunnerTest, UnsplittableMigrationIsInvalidArgument) {
  auto db = OpenMemory();
  Status status =
      ApplyMigrations(*db, {{1, "0001_bad", "CREATE TABLE t (x TEXT DEFAULT 'open);"}}, kNow);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(MustList(*db).empty());
}

TEST(MigrationRunnerTest, MalformedMigrationListsAreRefused) {
  auto db = OpenMemory();
  const Migration a{2, "0002_a", "SELECT 1;"};
  const Migration b{1, "0001_b", "SELECT 1;"};
  EXPECT_EQ(ApplyMigrations(*db, {a, b}, kNow).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyMigrations(*db, {b, b}, kNow).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyMigrations(*db, {{0, "0000_zero", ""}}, kNow).code(),
            StatusCode::kInvalidArgument);
}

TEST(MigrationRunnerTest, StorageFailuresAreReturnedAndNothingIsRecorded) {
  auto inner = OpenMemory();
  FaultInjectingDatabase db(*inner);
  // Calls: 1 create schema_migrations, 2-3 list (table check + select), 4 batch of 0001.
  db.FailNthCall(4, UnavailableError("database busy"));
  Status status = ApplyMigrations(db, TwoMigrations(), kNow);
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_TRUE(MustList(*inner).empty());
  EXPECT_FALSE(TableExists(*inner, "accounts"));

  db.FailNthCall(1, UnavailableError("database busy"));
  EXPECT_EQ(ApplyMigrations(db, TwoMigrations(), kNow).code(), StatusCode::kUnavailable);

  db.Heal();
  EXPECT_TRUE(ApplyMigrations(db, TwoMigrations(), kNow).ok());
  EXPECT_EQ(MustList(*inner).size(), 2u);
}

TEST(MigrationRunnerTest, GuardFailureWithoutARecordedVersionIsAnError) {
  // A batch failing with ALREADY_EXISTS is only a lost race when the version is
  // recorded afterwards; otherwise the error stands.
  auto inner = OpenMemory();
  FaultInjectingDatabase db(*inner);
  db.FailNthCall(4, AlreadyExistsError("already exists"));
  Status status = ApplyMigrations(db, TwoMigrations(), kNow);
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << status.ToString();
  EXPECT_TRUE(MustList(*inner).empty());
}

TEST(MigrationRunnerTest, ConcurrentRunnersApplyEachMigrationOnce) {
  auto dir = TempDir::Create("howler-migrations-");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  const std::string path = (dir->path() / "race.db").string();
  constexpr int kRunners = 3;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kRunners; ++i) {
    auto db = OpenSqliteDatabase({.path = path});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    dbs.push_back(std::move(db).value());
  }
  std::vector<Status> statuses(kRunners);
  std::vector<std::vector<std::string>> applied_names(kRunners);
  std::vector<std::thread> runners;
  runners.reserve(kRunners);
  for (int i = 0; i < kRunners; ++i) {
    runners.emplace_back([&, i] {
      statuses[i] = ApplyMigrations(*dbs[i], TwoMigrations(), kNow + i, &applied_names[i]);
    });
  }
  for (std::thread& runner : runners) {
    runner.join();
  }

  std::vector<std::string> all_applied;
  for (int i = 0; i < kRunners; ++i) {
    EXPECT_TRUE(statuses[i].ok()) << statuses[i].ToString();
    all_applied.insert(all_applied.end(), applied_names[i].begin(), applied_names[i].end());
  }
  std::sort(all_applied.begin(), all_applied.end());
  EXPECT_EQ(all_applied, (std::vector<std::string>{"0001_accounts", "0002_notes"}));
  EXPECT_EQ(MustList(*dbs[0]).size(), 2u);
  auto audit = dbs[0]->Query({"SELECT COUNT(*) FROM audit", {}});
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  EXPECT_EQ(AsInt(audit->rows[0][0]), 1);  // 0002's INSERT ran once
}

}  // namespace
}  // namespace howler::storage
