// The engine contract suite against a real tursodb started by the test, plus what the
// libSQL engine refuses instead of pretending (libsql_engine.h).
#include <memory>

#include "common/temp_dir.h"
#include "dbmanager/engine_contract_test.h"
#include "dbmanager/libsql/libsql_engine.h"
#include "dbmanager/testing/sync_calls.h"
#include "storage/libsql/libsql_database.h"
#include "storage/libsql/tursodb_process.h"
#include "storage/sql_splitter.h"

namespace howler::dbmanager {
namespace {

const EngineDialect& LibsqlDialect() {
  static const EngineDialect dialect{
      .placeholder = "?",
      .sleep = nullptr,
      .running_sleeps = "",
      .create_types = R"(
CREATE TABLE contract_types (
  c_null INTEGER, c_int INTEGER, c_big INTEGER, c_real REAL, c_text TEXT, c_blob BLOB);
INSERT INTO contract_types VALUES (
  NULL, 42, 9223372036854775807, 1.5, 'héllo "q"', x'00ff10'))",
      .expected_cells =
          {
              {"c_null", "null"},
              {"c_int", "42"},
              {"c_big", R"("9223372036854775807")"},
              {"c_real", "1.5"},
              {"c_text", R"("héllo \"q\"")"},
              {"c_blob", R"("AP8Q")"},
          },
      .create_fixture = R"(
DROP VIEW IF EXISTS contract_view; DROP TABLE IF EXISTS contract_child;
DROP TABLE IF EXISTS contract_parent;
CREATE TABLE contract_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, score INT DEFAULT 7);
CREATE TABLE contract_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES contract_parent (id));
CREATE VIEW contract_view AS SELECT id, name FROM contract_parent)",
      .fixture_schema = "main",
      .create_write_target =
          "DROP TABLE IF EXISTS contract_writes; CREATE TABLE contract_writes (v INTEGER)",
      .insert_write = "INSERT INTO contract_writes (v) VALUES (1)",
  };
  return dialect;
}

// tursodb in a temporary directory, the engine, and an admin client of the same server.
struct LibsqlStack {
  TempDir dir;
  std::unique_ptr<storage::TursodbProcess> server;
  std::unique_ptr<storage::Database> admin;
  std::unique_ptr<Engine> engine = MakeLibsqlEngine();
};

Result<std::unique_ptr<LibsqlStack>> StartStack() {
  auto binary = storage::TursodbProcess::FindBinary();
  if (!binary) {
    return NotFoundError("tursodb is not installed (run scripts/setup.sh)");
  }
  HOWLER_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("howler-libsql-"));
  auto stack = std::make_unique<LibsqlStack>(LibsqlStack{std::move(dir), nullptr, nullptr});
  HOWLER_ASSIGN_OR_RETURN(stack->server,
                          storage::TursodbProcess::Start(*binary, stack->dir.path() / "db"));
  HOWLER_ASSIGN_OR_RETURN(stack->admin, storage::OpenLibsqlDatabase({.url = stack->server->url()}));
  return stack;
}

class LibsqlTarget : public EngineTarget {
 public:
  explicit LibsqlTarget(LibsqlStack* stack) : stack_(stack) {}

  Engine& engine() override { return *stack_->engine; }
  ConnectionSpec spec() override {
    return {.engine = EngineKind::kLibsql,
            .host = "127.0.0.1",
            .port = stack_->server->port(),
            .database = "main",
            .username = ""};
  }
  std::string password() override { return "token-unused-by-tursodb"; }
  Status AdminSql(const std::string& sql) override {
    HOWLER_ASSIGN_OR_RETURN(auto statements, storage::SplitSqlStatements(sql));
    for (const auto& statement : statements) {
      HOWLER_RETURN_IF_ERROR(stack_->admin->Execute({statement, {}}).status());
    }
    return Status::Ok();
  }
  Result<std::string> AdminScalar(const std::string& sql) override {
    HOWLER_ASSIGN_OR_RETURN(auto rows, stack_->admin->Query({sql, {}}));
    return rows.rows.empty() ? std::string() : storage::AsText(rows.rows[0][0]);
  }
  void KillServer() override { stack_->server.reset(); }
  const EngineDialect& dialect() override { return LibsqlDialect(); }

 private:
  LibsqlStack* stack_;
};

Result<std::unique_ptr<EngineTarget>> MakeLibsqlTarget(bool fresh) {
  static Result<std::unique_ptr<LibsqlStack>> shared = StartStack();
  if (!shared.ok()) {
    return shared.status();
  }
  return std::unique_ptr<EngineTarget>(new LibsqlTarget(shared->get()));
}

// libSQL has none of the server features (libsql_engine.h); its own tests are below.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ServerEngineContractTest);

INSTANTIATE_TEST_SUITE_P(Libsql, EngineContractTest,
                         ::testing::Values(EngineFactory{"libsql", MakeLibsqlTarget}),
                         EngineFactoryName);

class LibsqlEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto target = MakeLibsqlTarget(false);
    ASSERT_TRUE(target.ok()) << target.status().ToString();
    target_ = std::move(target).value();
  }
  std::unique_ptr<EngineTarget> target_;
};

TEST_F(LibsqlEngineTest, ReadOnlySessionsAreRefused) {
  ConnectionSpec spec = target_->spec();
  spec.read_only = true;
  auto connection = testing::ConnectSync(target_->engine(), spec, target_->password());
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().code(), StatusCode::kUnimplemented);
}

TEST_F(LibsqlEngineTest, StatementTimeoutsAreRefused) {
  auto connection = testing::ConnectSync(target_->engine(), target_->spec(), target_->password());
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  auto rows = testing::QuerySync(**connection,
                                 {.sql = "SELECT 1", .statement_timeout = std::chrono::seconds(1)});
  EXPECT_EQ(rows.status().code(), StatusCode::kUnimplemented);
  EXPECT_TRUE(testing::QuerySync(**connection, {.sql = "SELECT 1"}).ok());
}

TEST_F(LibsqlEngineTest, CancelEndsTheQueryCancelled) {
  auto connection = testing::ConnectSync(target_->engine(), target_->spec(), target_->password());
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  auto stream = (*connection)->Query({.sql = "SELECT 1"});
  stream->Cancel();
  auto rows = testing::CollectSync(stream);
  // Hrana cannot stop a statement: the answer, whenever it comes, is dropped.
  EXPECT_EQ(rows.status().code(), StatusCode::kCancelled);
  EXPECT_TRUE(testing::QuerySync(**connection, {.sql = "SELECT 1"}).ok());
}

TEST_F(LibsqlEngineTest, ServerGoneMidSessionBreaksIt) {
  auto stack = StartStack();
  ASSERT_TRUE(stack.ok()) << stack.status().ToString();
  LibsqlTarget target(stack->get());
  auto connection = testing::ConnectSync(target.engine(), target.spec(), target.password());
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  target.KillServer();
  auto rows = testing::QuerySync(**connection, {.sql = "SELECT 1"});
  EXPECT_EQ(rows.status().code(), StatusCode::kUnavailable) << rows.status().ToString();
  EXPECT_TRUE((*connection)->broken());
}

}  // namespace
}  // namespace howler::dbmanager
