#include "storage/database_contract_test.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <random>
#include <thread>

namespace howler::storage {
namespace {

// Table names unique across processes sharing one server, and within a run.
std::string UniqueTableName() {
  static const std::string run = [] {
    std::random_device device;
    std::mt19937_64 rng(device());
    return std::to_string(rng() % 1000000000);
  }();
  static std::atomic<int> counter{0};
  return "contract_" + run + "_" + std::to_string(counter++);
}

Value Int(std::int64_t v) {
  return Value(v);
}

Value Text(std::string v) {
  return Value(std::move(v));
}

// The rows of `statement` run through Query, or a failed expectation and no rows.
std::vector<Row> QueryRows(Database& db, const Statement& statement) {
  auto result = db.Query(statement);
  EXPECT_TRUE(result.ok()) << statement.sql << ": " << result.status().ToString();
  return result.ok() ? result->rows : std::vector<Row>{};
}

std::int64_t CountRows(Database& db, const std::string& table) {
  std::vector<Row> rows = QueryRows(db, {"SELECT COUNT(*) FROM " + table, {}});
  return rows.size() == 1 ? AsInt(rows[0][0], -1) : -1;
}

}  // namespace

std::string BackendFactoryName(const testing::TestParamInfo<BackendFactory>& info) {
  return info.param.name;
}

void PrintTo(const BackendFactory& factory, std::ostream* os) {
  *os << factory.name;
}

void PrintTo(const Null&, std::ostream* os) {
  *os << "NULL";
}

void PrintTo(const Blob& blob, std::ostream* os) {
  *os << "Blob(" << blob.bytes.size() << " bytes)";
}

void DatabaseContractTest::SetUp() {
  db_ = GetParam().make();
  if (db_ == nullptr) {
    FAIL() << "backend " << GetParam().name << " is not available (run scripts/setup.sh)";
  }
}

void DatabaseContractTest::TearDown() {
  if (db_ == nullptr) {
    return;
  }
  for (auto it = tables_.rbegin(); it != tables_.rend(); ++it) {
    EXPECT_TRUE(db_->Execute({"DROP TABLE IF EXISTS " + *it, {}}).ok()) << *it;
  }
}

std::string DatabaseContractTest::CreateTable(std::string_view columns) {
  std::string name = UniqueTableName();
  auto created = db_->Execute({"CREATE TABLE " + name + " (" + std::string(columns) + ")", {}});
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  tables_.push_back(name);
  return name;
}

TEST_P(DatabaseContractTest, RoundTripsEveryValueType) {
  const std::string t = CreateTable("id INTEGER PRIMARY KEY, v");
  const std::vector<Value> values = {
      Null{},
      Int(0),
      Int(-1),
      Int(std::numeric_limits<std::int64_t>::min()),
      Int(std::numeric_limits<std::int64_t>::max()),
      0.1,
      1e300,
      -2.5,
      Text(""),
      Text("plain"),
      Text("UTF-8: h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\xa6\x89"),
      Text("quotes ' \" ; -- /* */ ?"),
      Blob{""},
      Blob{std::string("\0\x01\xff\0z", 5)},
      Blob{"looks like text"},
  };
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto inserted = db().Execute({"INSERT INTO " + t + " (id, v) VALUES (?, ?)",
                                  {Int(static_cast<std::int64_t>(i)), values[i]}});
    ASSERT_TRUE(inserted.ok()) << i << ": " << inserted.status().ToString();
  }
  std::vector<Row> rows = QueryRows(db(), {"SELECT v FROM " + t + " ORDER BY id", {}});
  ASSERT_EQ(rows.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 1u);
    EXPECT_EQ(rows[i][0], values[i]) << "value " << i;
  }
}

TEST_P(DatabaseContractTest, ParametersEchoBackWithTheirTypes) {
  const std::vector<Value> params = {Null{}, Int(-7), 0.1, Text("a"), Blob{std::string("\0", 1)}};
  std::vector<Row> rows = QueryRows(db(), {"SELECT ?, ?, ?, ?, ?", params});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], params);
}

TEST_P(DatabaseContractTest, PositionalParametersBindInOrder) {
  const std::string t = CreateTable("a TEXT, b INTEGER, c TEXT");
  ASSERT_TRUE(db().Execute({"INSERT INTO " + t + " (a, b, c) VALUES (?, ?, ?)",
                            {Text("first"), Int(2), Text("third")}})
                  .ok());
  ASSERT_TRUE(db().Execute({"INSERT INTO " + t + " (c, b, a) VALUES (?, ?, ?)",
                            {Text("x"), Int(5), Text("y")}})
                  .ok());
  std::vector<Row> rows =
      QueryRows(db(), {"SELECT a, c FROM " + t + " WHERE b = ? AND a = ?", {Int(5), Text("y")}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (Row{Text("y"), Text("x")}));
}

TEST_P(DatabaseContractTest, ExecuteReturnsTheRowsOfReturning) {
  const std::string t = CreateTable("id TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 41");
  auto inserted = db().Execute(
      {"INSERT INTO " + t + " (id) VALUES (?) RETURNING id, n + 1 AS next", {Text("k")}});
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_EQ(inserted->columns, (std::vector<std::string>{"id", "next"}));
  ASSERT_EQ(inserted->rows.size(), 1u);
  EXPECT_EQ(inserted->rows[0], (Row{Text("k"), Int(42)}));
  EXPECT_EQ(inserted->ColumnIndex("next"), 1);
}

TEST_P(DatabaseContractTest, ExecuteWithoutReturningHasNoRows) {
  const std::string t = CreateTable("id INTEGER");
  auto inserted = db().Execute({"INSERT INTO " + t + " (id) VALUES (?)", {Int(1)}});
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_TRUE(inserted->empty());
  EXPECT_EQ(CountRows(db(), t), 1);
}

TEST_P(DatabaseContractTest, QueryReturnsNamedColumnsAndRowsInOrder) {
  const std::string t = CreateTable("id INTEGER PRIMARY KEY, name TEXT NOT NULL");
  for (int i = 3; i >= 1; --i) {
    ASSERT_TRUE(db().Execute({"INSERT INTO " + t + " (id, name) VALUES (?, ?)",
                              {Int(i), Text("n" + std::to_string(i))}})
                    .ok());
  }
  auto result = db().Query({"SELECT name, id AS ident FROM " + t + " ORDER BY id", {}});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->columns, (std::vector<std::string>{"name", "ident"}));
  EXPECT_EQ(result->ColumnIndex("ident"), 1);
  EXPECT_EQ(result->ColumnIndex("missing"), -1);
  ASSERT_EQ(result->rows.size(), 3u);
  EXPECT_EQ(result->rows[0], (Row{Text("n1"), Int(1)}));
  EXPECT_EQ(result->rows[2], (Row{Text("n3"), Int(3)}));
}

TEST_P(DatabaseContractTest, QueryWithoutMatchesIsEmpty) {
  const std::string t = CreateTable("id INTEGER");
  std::vector<Row> rows = QueryRows(db(), {"SELECT id FROM " + t + " WHERE id = ?", {Int(1)}});
  EXPECT_TRUE(rows.empty());
}

TEST_P(DatabaseContractTest, UniqueViolationIsAlreadyExists) {
  const std::string t = CreateTable("id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE");
  const std::string secret = "private.person@example.com";
  ASSERT_TRUE(
      db().Execute({"INSERT INTO " + t + " (id, email) VALUES (?, ?)", {Int(1), secret}}).ok());
  auto duplicate =
      db().Execute({"INSERT INTO " + t + " (id, email) VALUES (?, ?)", {Int(2), secret}});
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists) << duplicate.status().ToString();
  EXPECT_EQ(duplicate.status().message().find(secret), std::string::npos);
  EXPECT_EQ(CountRows(db(), t), 1);
}

TEST_P(DatabaseContractTest, PrimaryKeyViolationIsAlreadyExists) {
  const std::string t = CreateTable("a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b)");
  const std::string insert = "INSERT INTO " + t + " (a, b) VALUES (?, ?)";
  ASSERT_TRUE(db().Execute({insert, {Text("x"), Text("y")}}).ok());
  ASSERT_TRUE(db().Execute({insert, {Text("x"), Text("z")}}).ok());
  auto duplicate = db().Execute({insert, {Text("x"), Text("y")}});
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists) << duplicate.status().ToString();
}

TEST_P(DatabaseContractTest, NotNullViolationIsFailedPrecondition) {
  const std::string t = CreateTable("id INTEGER, name TEXT NOT NULL");
  auto inserted =
      db().Execute({"INSERT INTO " + t + " (id, name) VALUES (?, ?)", {Int(1), Null{}}});
  EXPECT_EQ(inserted.status().code(), StatusCode::kFailedPrecondition)
      << inserted.status().ToString();
  EXPECT_EQ(CountRows(db(), t), 0);
}

TEST_P(DatabaseContractTest, CheckViolationIsFailedPrecondition) {
  const std::string t = CreateTable("n INTEGER NOT NULL CHECK (n >= 0)");
  auto inserted = db().Execute({"INSERT INTO " + t + " (n) VALUES (?)", {Int(-1)}});
  EXPECT_EQ(inserted.status().code(), StatusCode::kFailedPrecondition)
      << inserted.status().ToString();
}

TEST_P(DatabaseContractTest, ForeignKeyViolationIsFailedPrecondition) {
  const std::string parent = CreateTable("id TEXT PRIMARY KEY");
  const std::string child = CreateTable("id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES " +
                                        parent + " (id) ON DELETE CASCADE");
  ASSERT_TRUE(db().Execute({"INSERT INTO " + parent + " (id) VALUES (?)", {Text("p")}}).ok());
  const std::string insert_child = "INSERT INTO " + child + " (id, parent_id) VALUES (?, ?)";
  ASSERT_TRUE(db().Execute({insert_child, {Text("c1"), Text("p")}}).ok());

  auto orphan = db().Execute({insert_child, {Text("c2"), Text("missing")}});
  EXPECT_EQ(orphan.status().code(), StatusCode::kFailedPrecondition) << orphan.status().ToString();

  // ON DELETE CASCADE follows the parent.
  ASSERT_TRUE(db().Execute({"DELETE FROM " + parent + " WHERE id = ?", {Text("p")}}).ok());
  EXPECT_EQ(CountRows(db(), child), 0);
}

TEST_P(DatabaseContractTest, MalformedSqlIsInternal) {
  auto query = db().Query({"SELEC 1", {}});
  EXPECT_EQ(query.status().code(), StatusCode::kInternal) << query.status().ToString();
  auto execute = db().Execute({"INSERT INTO (", {}});
  EXPECT_EQ(execute.status().code(), StatusCode::kInternal) << execute.status().ToString();
}

TEST_P(DatabaseContractTest, MissingTableIsInternal) {
  auto query = db().Query({"SELECT * FROM contract_no_such_table", {}});
  EXPECT_EQ(query.status().code(), StatusCode::kInternal) << query.status().ToString();
  auto execute = db().Execute({"INSERT INTO contract_no_such_table (a) VALUES (?)", {Int(1)}});
  EXPECT_EQ(execute.status().code(), StatusCode::kInternal) << execute.status().ToString();
}

TEST_P(DatabaseContractTest, BatchReturnsOneResultPerStatement) {
  const std::string t = CreateTable("id TEXT PRIMARY KEY, version INTEGER NOT NULL");
  auto results = db().Batch({
      {"INSERT INTO " + t + " (id, version) VALUES (?, ?) RETURNING version", {Text("a"), Int(1)}},
      {"INSERT INTO " + t + " (id, version) VALUES (?, ?)", {Text("b"), Int(1)}},
      {"UPDATE " + t + " SET version = version + 1 WHERE id = ? RETURNING id, version",
       {Text("a")}},
      {"SELECT COUNT(*) FROM " + t, {}},
  });
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  ASSERT_EQ(results->size(), 4u);
  EXPECT_EQ((*results)[0].rows, (std::vector<Row>{{Int(1)}}));
  EXPECT_TRUE((*results)[1].empty());
  EXPECT_EQ((*results)[2].rows, (std::vector<Row>{{Text("a"), Int(2)}}));
  EXPECT_EQ((*results)[3].rows, (std::vector<Row>{{Int(2)}}));
}

TEST_P(DatabaseContractTest, BatchIsAllOrNothing) {
  const std::string t = CreateTable("id INTEGER PRIMARY KEY, v TEXT NOT NULL");
  const std::string insert = "INSERT INTO " + t + " (id, v) VALUES (?, ?)";
  auto results = db().Batch({
      {insert, {Int(1), Text("one")}},
      {insert, {Int(2), Text("two")}},
      {insert, {Int(1), Text("duplicate")}},
      {insert, {Int(3), Text("three")}},
  });
  EXPECT_EQ(results.status().code(), StatusCode::kAlreadyExists) << results.status().ToString();
  EXPECT_EQ(CountRows(db(), t), 0);

  // The database is usable afterwards: no transaction was left open.
  ASSERT_TRUE(db().Execute({insert, {Int(1), Text("one")}}).ok());
  auto second = db().Batch({{insert, {Int(2), Text("two")}}});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(CountRows(db(), t), 2);
}

TEST_P(DatabaseContractTest, BatchFailingOnAConstraintReturnsThatStatus) {
  const std::string t = CreateTable("id INTEGER PRIMARY KEY, v TEXT NOT NULL");
  const std::string insert = "INSERT INTO " + t + " (id, v) VALUES (?, ?)";
  auto results = db().Batch({{insert, {Int(1), Text("one")}}, {insert, {Int(2), Null{}}}});
  EXPECT_EQ(results.status().code(), StatusCode::kFailedPrecondition)
      << results.status().ToString();
  EXPECT_EQ(CountRows(db(), t), 0);
}

TEST_P(DatabaseContractTest, BatchWithMalformedStatementAppliesNothing) {
  const std::string t = CreateTable("id INTEGER PRIMARY KEY");
  auto results = db().Batch({
      {"INSERT INTO " + t + " (id) VALUES (?)", {Int(1)}},
      {"INSERT INTO " + t + " VALUES (", {}},
  });
  EXPECT_EQ(results.status().code(), StatusCode::kInternal) << results.status().ToString();
  EXPECT_EQ(CountRows(db(), t), 0);
}

TEST_P(DatabaseContractTest, InvalidUtf8TextIsInvalidArgumentAndAppliesNothing) {
  const std::string t = CreateTable("id INTEGER PRIMARY KEY, v TEXT NOT NULL");
  const std::string insert = "INSERT INTO " + t + " (id, v) VALUES (?, ?)";
  auto single = db().Execute({insert, {Int(1), Text("\xff\xfe")}});
  EXPECT_EQ(single.status().code(), StatusCode::kInvalidArgument) << single.status().ToString();
  auto batch = db().Batch({{insert, {Int(2), Text("fine")}}, {insert, {Int(3), Text("a\xc3")}}});
  EXPECT_EQ(batch.status().code(), StatusCode::kInvalidArgument) << batch.status().ToString();
  EXPECT_EQ(CountRows(db(), t), 0);
  // Valid multi-byte text and the same bytes as a blob are fine.
  EXPECT_TRUE(db().Execute({insert, {Int(4), Text("caf\xc3\xa9 \xf0\x9f\x98\x80")}}).ok());
  EXPECT_TRUE(db().Query({"SELECT ?", {Blob{"\xff\xfe"}}}).ok());
  EXPECT_EQ(CountRows(db(), t), 1);
}

TEST_P(DatabaseContractTest, EmptyBatchSucceeds) {
  auto results = db().Batch({});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_TRUE(results->empty());
}

TEST_P(DatabaseContractTest, ConditionalUpdateReturnsNoRowsWhenTheConditionFails) {
  const std::string t = CreateTable("id TEXT PRIMARY KEY, version INTEGER NOT NULL");
  ASSERT_TRUE(
      db().Execute({"INSERT INTO " + t + " (id, version) VALUES (?, ?)", {Text("a"), Int(1)}})
          .ok());
  const std::string update = "UPDATE " + t +
                             " SET version = version + 1 WHERE id = ? AND version = ? "
                             "RETURNING version";
  auto applied = db().Execute({update, {Text("a"), Int(1)}});
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->rows, (std::vector<Row>{{Int(2)}}));

  auto stale = db().Execute({update, {Text("a"), Int(1)}});
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_TRUE(stale->empty());
}

TEST_P(DatabaseContractTest, ConditionalUpsertReturnsRowsOnlyWhenItWrites) {
  const std::string t = CreateTable("k TEXT PRIMARY KEY, n INTEGER NOT NULL");
  const std::string upsert = "INSERT INTO " + t +
                             " (k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = n + 1 "
                             "WHERE n < ? RETURNING n";
  for (std::int64_t expected = 1; expected <= 2; ++expected) {
    auto written = db().Execute({upsert, {Text("k"), Int(2)}});
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    EXPECT_EQ(written->rows, (std::vector<Row>{{Int(expected)}}));
  }
  auto refused = db().Execute({upsert, {Text("k"), Int(2)}});
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_TRUE(refused->empty());
}

TEST_P(DatabaseContractTest, PingSucceeds) {
  EXPECT_TRUE(db().Ping().ok());
}

TEST_P(DatabaseContractTest, NamesItsBackend) {
  EXPECT_TRUE(db().backend() == "sqlite" || db().backend() == "libsql") << db().backend();
}

TEST_P(DatabaseContractTest, ConcurrentWritesAndReadsAllLand) {
  const std::string t = CreateTable(
      "worker INTEGER NOT NULL, i INTEGER NOT NULL, "
      "PRIMARY KEY (worker, i)");
  constexpr int kWorkers = 4;
  constexpr int kWritesEach = 20;
  std::vector<std::thread> workers;
  workers.reserve(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([this, &t, w] {
      for (int i = 0; i < kWritesEach; ++i) {
        auto inserted = db().Execute(
            {"INSERT INTO " + t + " (worker, i) VALUES (?, ?) RETURNING i", {Int(w), Int(i)}});
        EXPECT_TRUE(inserted.ok()) << inserted.status().ToString();
        // Each worker reads its own writes.
        std::vector<Row> seen =
            QueryRows(db(), {"SELECT COUNT(*) FROM " + t + " WHERE worker = ?", {Int(w)}});
        EXPECT_EQ(seen, (std::vector<Row>{{Int(i + 1)}}));
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(CountRows(db(), t), kWorkers * kWritesEach);
}

}  // namespace howler::storage
