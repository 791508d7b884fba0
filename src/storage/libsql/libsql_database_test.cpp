// Behaviour of the libSQL backend beyond the shared contract (libsql_contract_test.cpp).
#include "storage/libsql/libsql_database.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/temp_dir.h"
#include "storage/database_contract_test.h"  // PrintTo for Null and Blob
#include "storage/libsql/tursodb_database.h"
#include "storage/libsql/tursodb_process.h"

namespace howler::storage {
namespace {

// A missing tursodb fails the test: a check that quietly skipped would prove nothing.
#define SKIP_WITHOUT_TURSODB()                                   \
  if (!TursodbProcess::FindBinary()) {                           \
    FAIL() << "tursodb is not installed (run scripts/setup.sh)"; \
  }

std::unique_ptr<Database> StartOrFail() {
  auto db = StartTursodbDatabase();
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

TEST(LibsqlDatabaseTest, MalformedUrlIsInvalidArgument) {
  auto db = OpenLibsqlDatabase({.url = "wss://db.example"});
  EXPECT_EQ(db.status().code(), StatusCode::kInvalidArgument);
}

TEST(LibsqlDatabaseTest, UnreachableServerIsUnavailable) {
  // Port 1 on loopback: nothing listens there.
  auto db = OpenLibsqlDatabase({.url = "http://127.0.0.1:1", .auth_token = "s3cret"});
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().ToString();
  EXPECT_EQ(db.status().message(), "database is unavailable");
  EXPECT_NE(db.status().detail().find("http://127.0.0.1:1/v3"), std::string::npos)
      << db.status().detail();
  EXPECT_EQ(db.status().ToString().find("s3cret"), std::string::npos);
}

TEST(LibsqlDatabaseTest, TransactionControlOutsideBatchIsRefused) {
  SKIP_WITHOUT_TURSODB();
  std::unique_ptr<Database> db = StartOrFail();
  ASSERT_NE(db, nullptr);
  for (std::string_view sql : {"BEGIN", " begin immediate", "COMMIT", "ROLLBACK", "SAVEPOINT a"}) {
    EXPECT_EQ(db->Execute({std::string(sql), {}}).status().code(), StatusCode::kInternal) << sql;
    EXPECT_EQ(db->Query({std::string(sql), {}}).status().code(), StatusCode::kInternal) << sql;
  }
  // Nothing was left open: a batch still runs.
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (id INTEGER PRIMARY KEY)", {}}).ok());
  auto batch = db->Batch({{"INSERT INTO t (id) VALUES (?) RETURNING id", {std::int64_t{1}}}});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ((*batch)[0].rows, (std::vector<Row>{{std::int64_t{1}}}));
}

TEST(LibsqlDatabaseTest, NonFiniteParameterIsInvalidArgument) {
  SKIP_WITHOUT_TURSODB();
  std::unique_ptr<Database> db = StartOrFail();
  ASSERT_NE(db, nullptr);
  auto query = db->Query({"SELECT ?", {std::numeric_limits<double>::infinity()}});
  EXPECT_EQ(query.status().code(), StatusCode::kInvalidArgument);
}

TEST(LibsqlDatabaseTest, LargeBatchesAndValuesGoThrough) {
  SKIP_WITHOUT_TURSODB();
  std::unique_ptr<Database> db = StartOrFail();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Execute({"CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)", {}}).ok());
  std::vector<Statement> inserts;
  for (std::int64_t i = 0; i < 200; ++i) {
    inserts.push_back({"INSERT INTO t (id, v) VALUES (?, ?)", {i, Blob{std::string(1000, 'b')}}});
  }
  auto batch = db->Batch(inserts);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  auto count = db->Query({"SELECT COUNT(*), SUM(LENGTH(v)) FROM t", {}});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(count->rows, (std::vector<Row>{{std::int64_t{200}, std::int64_t{200000}}}));
}

TEST(LibsqlDatabaseTest, StoppedServerMakesCallsUnavailable) {
  SKIP_WITHOUT_TURSODB();
  auto dir = TempDir::Create("howler-tursodb-");
  ASSERT_TRUE(dir.ok());
  auto server = TursodbProcess::Start(*TursodbProcess::FindBinary(), dir->path() / "t.db");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto db = OpenLibsqlDatabase({.url = (*server)->url()});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->backend(), "libsql");
  ASSERT_TRUE((*db)->Ping().ok());

  server->reset();  // SIGTERM and reap
  EXPECT_EQ((*db)->Ping().code(), StatusCode::kUnavailable);
  EXPECT_EQ((*db)->Execute({"CREATE TABLE t (a)", {}}).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ((*db)->Batch({{"CREATE TABLE t (a)", {}}}).status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace howler::storage
