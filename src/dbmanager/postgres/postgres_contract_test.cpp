// The engine contract suite against a real PostgreSQL 15 started by the test.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "common/temp_dir.h"
#include "dbmanager/engine_contract_test.h"
#include "dbmanager/postgres/postgres_engine.h"
#include "dbmanager/testing/postgres_server.h"
#include "dbmanager/testing/sync_calls.h"

namespace howler::dbmanager {
namespace {

using testing::PostgresServer;

const EngineDialect& PostgresDialect() {
  static const EngineDialect dialect{
      .placeholder = "$1",
      .sleep = [](int seconds) { return "SELECT pg_sleep(" + std::to_string(seconds) + ")"; },
      .running_sleeps =
          "SELECT count(*) FROM pg_stat_activity "
          "WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'",
      .create_types = R"(
CREATE TABLE contract_types (
  c_null int, c_bool boolean, c_small smallint, c_int integer, c_big bigint,
  c_dec numeric(30, 9), c_double double precision, c_real real, c_nan double precision,
  c_text text, c_blob bytea, c_ts timestamp(3), c_tstz timestamptz, c_date date,
  c_json json, c_jsonb jsonb, c_int_array int[], c_text_array text[], c_big_array bigint[],
  c_matrix int[], c_uuid uuid);
INSERT INTO contract_types VALUES (
  NULL, true, -5, 2147483647, 9223372036854775807, 12345678901234567890.123456789, 1.5, 0.5,
  'NaN', 'héllo "q"', '\x00ff10', '2024-01-02 03:04:05.5', '2024-01-02 03:04:05+02',
  '2024-01-02', '{"a": [1, 2]}', '{"a": [1, 2]}', '{1,2,NULL}', ARRAY['a b', 'c,d', 'NULL'],
  '{9223372036854775807}', '{{1,2},{3,4}}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'))",
      .expected_cells =
          {
              {"c_null", "null"},
              {"c_bool", "true"},
              {"c_small", "-5"},
              {"c_int", "2147483647"},
              {"c_big", R"("9223372036854775807")"},
              {"c_dec", R"("12345678901234567890.123456789")"},
              {"c_double", "1.5"},
              {"c_real", "0.5"},
              {"c_nan", R"("NaN")"},
              {"c_text", R"("héllo \"q\"")"},
              {"c_blob", R"("AP8Q")"},
              {"c_ts", R"("2024-01-02T03:04:05.5")"},
              {"c_tstz", R"("2024-01-02T01:04:05Z")"},
              {"c_date", R"("2024-01-02")"},
              {"c_json", R"({"a": [1, 2]})"},
              {"c_jsonb", R"({"a": [1, 2]})"},
              {"c_int_array", "[1,2,null]"},
              {"c_text_array", R"(["a b","c,d","NULL"])"},
              {"c_big_array", R"(["9223372036854775807"])"},
              {"c_matrix", "[[1,2],[3,4]]"},
              {"c_uuid", R"("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")"},
          },
      .create_fixture = R"(
DROP VIEW IF EXISTS contract_view; DROP TABLE IF EXISTS contract_child;
DROP TABLE IF EXISTS contract_parent;
CREATE TABLE contract_parent (id bigint PRIMARY KEY, name text NOT NULL UNIQUE, score int DEFAULT 7);
CREATE TABLE contract_child (id serial PRIMARY KEY, parent_id bigint REFERENCES contract_parent (id));
CREATE VIEW contract_view AS SELECT id, name FROM contract_parent)",
      .fixture_schema = "public",
      .create_write_target =
          "DROP TABLE IF EXISTS contract_writes; CREATE TABLE contract_writes (v int)",
      .insert_write = "INSERT INTO contract_writes (v) VALUES (1)",
  };
  return dialect;
}

// A reactor, the engine and a server; the shared one lives until the process exits.
struct PostgresStack {
  Reactor reactor;
  std::unique_ptr<Engine> engine = MakePostgresEngine(reactor);
  std::unique_ptr<PostgresServer> server;
};

class PostgresTarget : public EngineTarget {
 public:
  PostgresTarget(PostgresStack* stack, std::unique_ptr<PostgresStack> owned)
      : stack_(stack), owned_(std::move(owned)) {}

  Engine& engine() override { return *stack_->engine; }
  ConnectionSpec spec() override {
    PostgresServer& server = *stack_->server;
    return {.engine = EngineKind::kPostgres,
            .host = server.host(),
            .port = server.port(),
            .database = server.database(),
            .username = server.user()};
  }
  std::string password() override { return stack_->server->password(); }
  Status AdminSql(const std::string& sql) override { return stack_->server->Sql(sql); }
  Result<std::string> AdminScalar(const std::string& sql) override {
    return stack_->server->Scalar(sql);
  }
  void KillServer() override { stack_->server->Kill(); }
  const EngineDialect& dialect() override { return PostgresDialect(); }

 private:
  PostgresStack* stack_;
  std::unique_ptr<PostgresStack> owned_;
};

Result<std::unique_ptr<PostgresStack>> StartStack() {
  auto stack = std::make_unique<PostgresStack>();
  HOWLER_ASSIGN_OR_RETURN(stack->server, PostgresServer::Start());
  return stack;
}

Result<std::unique_ptr<EngineTarget>> MakePostgresTarget(bool fresh) {
  if (fresh) {
    HOWLER_ASSIGN_OR_RETURN(auto stack, StartStack());
    PostgresStack* raw = stack.get();
    return std::unique_ptr<EngineTarget>(new PostgresTarget(raw, std::move(stack)));
  }
  static Result<std::unique_ptr<PostgresStack>> shared = StartStack();
  if (!shared.ok()) {
    return shared.status();
  }
  return std::unique_ptr<EngineTarget>(new PostgresTarget(shared->get(), nullptr));
}

INSTANTIATE_TEST_SUITE_P(Postgres, EngineContractTest,
                         ::testing::Values(EngineFactory{"postgres", MakePostgresTarget}),
                         EngineFactoryName);
INSTANTIATE_TEST_SUITE_P(Postgres, ServerEngineContractTest,
                         ::testing::Values(EngineFactory{"postgres", MakePostgresTarget}),
                         EngineFactoryName);

// A password file of the server's own account (PGPASSFILE or ~/.pgpass) never supplies
// a password to a host a user names.
TEST(PostgresEngineTest, OperatorPasswordFileIsNeverUsed) {
  auto target = MakePostgresTarget(false);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  auto dir = TempDir::Create("howler-pgpass-");
  ASSERT_TRUE(dir.ok());
  const auto file = dir->path() / "pgpass";
  {
    std::ofstream out(file);
    out << "*:*:*:*:" << (*target)->password() << "\n";
  }
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ::setenv("PGPASSFILE", file.c_str(), 1);
  auto connection = testing::ConnectSync((*target)->engine(), (*target)->spec(), "");
  ::unsetenv("PGPASSFILE");
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().code(), StatusCode::kPermissionDenied)
      << connection.status().ToString();
}

// TLS against a server that offers it with a self-signed certificate: `require` encrypts
// without checking the certificate, `verify-full` refuses it, `disable` stays plain.
TEST(PostgresEngineTest, SslModesAgainstATlsServer) {
  auto server = PostgresServer::Start(/*tls=*/true);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Reactor reactor;
  auto engine = MakePostgresEngine(reactor);
  ConnectionSpec spec{.engine = EngineKind::kPostgres,
                      .host = "localhost",
                      .address = "127.0.0.1",
                      .port = (*server)->port(),
                      .database = (*server)->database(),
                      .username = (*server)->user()};
  const std::string encrypted = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
  for (auto [mode, expected] :
       {std::pair{SslMode::kRequire, "true"}, std::pair{SslMode::kDisable, "false"}}) {
    spec.ssl_mode = mode;
    auto connection = testing::ConnectSync(*engine, spec, (*server)->password());
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    auto rows = testing::QuerySync(**connection, {.sql = encrypted});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(rows->rows.at(0).at(0), expected) << SslModeName(mode);
  }
  spec.ssl_mode = SslMode::kVerifyFull;
  auto refused = testing::ConnectSync(*engine, spec, (*server)->password());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition)
      << refused.status().ToString();
  EXPECT_EQ(refused.status().message(), "database server's TLS certificate was not accepted");
}

// COPY puts the connection in a state the engine does not drive: refused, session broken.
TEST(PostgresEngineTest, CopyIsRefusedAndBreaksTheSession) {
  auto target = MakePostgresTarget(false);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  for (const char* copy : {"COPY (SELECT 1) TO STDOUT", "COPY contract_copy FROM STDIN"}) {
    ASSERT_TRUE((*target)
                    ->AdminSql("DROP TABLE IF EXISTS contract_copy; "
                               "CREATE TABLE contract_copy (v int)")
                    .ok());
    auto connection =
        testing::ConnectSync((*target)->engine(), (*target)->spec(), (*target)->password());
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    auto copied = testing::QuerySync(**connection, {.sql = copy});
    EXPECT_EQ(copied.status().code(), StatusCode::kInvalidArgument) << copy;
    EXPECT_TRUE((*connection)->broken());
    EXPECT_EQ(testing::QuerySync(**connection, {.sql = "SELECT 1"}).status().message(),
              "session is broken");
  }
}

}  // namespace
}  // namespace howler::dbmanager
