// The engine contract suite against a real MariaDB 10.11 started by the test.
#include <memory>

#include "dbmanager/engine_contract_test.h"
#include "dbmanager/mariadb/maria_connection.h"
#include "dbmanager/mariadb/maria_params.h"
#include "dbmanager/mariadb/mariadb_engine.h"
#include "dbmanager/testing/mariadb_server.h"
#include "dbmanager/testing/sync_calls.h"

namespace howler::dbmanager {
namespace {

using testing::MariadbServer;

const EngineDialect& MariadbDialect() {
  static const EngineDialect dialect{
      .placeholder = "?",
      .sleep = [](int seconds) { return "SELECT SLEEP(" + std::to_string(seconds) + ")"; },
      .running_sleeps =
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
          "WHERE INFO = 'SELECT SLEEP(30)'",
      .create_types = R"(
CREATE TABLE contract_types (
  c_null INT NULL, c_bool BOOLEAN, c_tiny TINYINT, c_int INT, c_big BIGINT,
  c_dec DECIMAL(30, 9), c_double DOUBLE, c_float FLOAT, c_text VARCHAR(50),
  c_blob VARBINARY(10), c_datetime DATETIME(3), c_timestamp TIMESTAMP NULL, c_date DATE,
  c_time TIME, c_json JSON, c_year YEAR) DEFAULT CHARSET = utf8mb4;
INSERT INTO contract_types VALUES (
  NULL, TRUE, -5, 2147483647, 9223372036854775807, 12345678901234567890.123456789, 1.5, 0.5,
  'héllo "q"', X'00FF10', '2024-01-02 03:04:05.5', '2024-01-02 03:04:05', '2024-01-02',
  '03:04:05', '{"a": [1, 2]}', 2024))",
      .expected_cells =
          {
              {"c_null", "null"},
              {"c_bool", "1"},
              {"c_tiny", "-5"},
              {"c_int", "2147483647"},
              {"c_big", R"("9223372036854775807")"},
              {"c_dec", R"("12345678901234567890.123456789")"},
              {"c_double", "1.5"},
              {"c_float", "0.5"},
              {"c_text", R"("héllo \"q\"")"},
              {"c_blob", R"("AP8Q")"},
              {"c_datetime", R"("2024-01-02T03:04:05.500")"},
              {"c_timestamp", R"("2024-01-02T03:04:05Z")"},
              {"c_date", R"("2024-01-02")"},
              {"c_time", R"("03:04:05")"},
              {"c_json", R"({"a": [1, 2]})"},
              {"c_year", "2024"},
          },
      .create_fixture = R"(
DROP VIEW IF EXISTS contract_view; DROP TABLE IF EXISTS contract_child;
DROP TABLE IF EXISTS contract_parent;
CREATE TABLE contract_parent (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE,
  score INT DEFAULT 7) ENGINE = InnoDB;
CREATE TABLE contract_child (id INT AUTO_INCREMENT PRIMARY KEY, parent_id BIGINT,
  FOREIGN KEY (parent_id) REFERENCES contract_parent (id)) ENGINE = InnoDB;
CREATE VIEW contract_view AS SELECT id, name FROM contract_parent)",
      .fixture_schema = "howler_test",
      .create_write_target =
          "DROP TABLE IF EXISTS contract_writes; CREATE TABLE contract_writes (v INT)",
      .insert_write = "INSERT INTO contract_writes (v) VALUES (1)",
  };
  return dialect;
}

// The engine and a server; the shared one lives until the process exits.
struct MariadbStack {
  std::unique_ptr<Engine> engine = MakeMariadbEngine();
  std::unique_ptr<MariadbServer> server;
};

class MariadbTarget : public EngineTarget {
 public:
  MariadbTarget(MariadbStack* stack, std::unique_ptr<MariadbStack> owned)
      : stack_(stack), owned_(std::move(owned)) {}

  Engine& engine() override { return *stack_->engine; }
  ConnectionSpec spec() override {
    MariadbServer& server = *stack_->server;
    return {.engine = EngineKind::kMariadb,
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
  const EngineDialect& dialect() override { return MariadbDialect(); }

 private:
  MariadbStack* stack_;
  std::unique_ptr<MariadbStack> owned_;
};

Result<std::unique_ptr<MariadbStack>> StartStack() {
  auto stack = std::make_unique<MariadbStack>();
  HOWLER_ASSIGN_OR_RETURN(stack->server, MariadbServer::Start());
  return stack;
}

Result<std::unique_ptr<EngineTarget>> MakeMariadbTarget(bool fresh) {
  if (fresh) {
    HOWLER_ASSIGN_OR_RETURN(auto stack, StartStack());
    MariadbStack* raw = stack.get();
    return std::unique_ptr<EngineTarget>(new MariadbTarget(raw, std::move(stack)));
  }
  static Result<std::unique_ptr<MariadbStack>> shared = StartStack();
  if (!shared.ok()) {
    return shared.status();
  }
  return std::unique_ptr<EngineTarget>(new MariadbTarget(shared->get(), nullptr));
}

INSTANTIATE_TEST_SUITE_P(Mariadb, EngineContractTest,
                         ::testing::Values(EngineFactory{"mariadb", MakeMariadbTarget}),
                         EngineFactoryName);
INSTANTIATE_TEST_SUITE_P(Mariadb, ServerEngineContractTest,
                         ::testing::Values(EngineFactory{"mariadb", MakeMariadbTarget}),
                         EngineFactoryName);

}  // namespace
}  // namespace howler::dbmanager

namespace howler::dbmanager {
namespace {

// Placeholders are found outside quotes and comments only, and values are escaped by
// the connection (a real one: escaping depends on its character set).
TEST(MariaParamsTest, BindsOutsideQuotesAndComments) {
  auto target = MakeMariadbTarget(false);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  Secret password((*target)->password());
  auto conn = OpenMaria((*target)->spec(), password);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto bound = BindMariaParams(*conn, "SELECT ?, '?', \"?\", `?` -- ?\n, ? /* ? */ # ?",
                               {"it's", std::nullopt});
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ(*bound, "SELECT 'it\\'s', '?', \"?\", `?` -- ?\n, NULL /* ? */ # ?");
  EXPECT_EQ(BindMariaParams(*conn, "SELECT ?", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BindMariaParams(*conn, "SELECT 1", {"x"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*BindMariaParams(*conn, "SELECT 'a''?', ?", {"b\\"}), "SELECT 'a''?', 'b\\\\'");
  CloseMaria(*conn);
}

// TLS against a server that offers it with a self-signed certificate: `require` encrypts
// without checking the certificate, `verify-full` refuses it, `disable` stays plain.
TEST(MariadbEngineTest, SslModesAgainstATlsServer) {
  auto server = MariadbServer::Start(/*tls=*/true);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto engine = MakeMariadbEngine();
  ConnectionSpec spec{.engine = EngineKind::kMariadb,
                      .host = "localhost",
                      .address = "127.0.0.1",
                      .port = (*server)->port(),
                      .database = (*server)->database(),
                      .username = (*server)->user()};
  for (auto [mode, encrypted] :
       {std::pair{SslMode::kRequire, true}, std::pair{SslMode::kDisable, false}}) {
    spec.ssl_mode = mode;
    auto connection = testing::ConnectSync(*engine, spec, (*server)->password());
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    auto rows = testing::QuerySync(**connection, {.sql = "SHOW SESSION STATUS LIKE 'Ssl_cipher'"});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(rows->rows.at(0).at(1) != "\"\"", encrypted) << SslModeName(mode);
  }
  spec.ssl_mode = SslMode::kVerifyFull;
  auto refused = testing::ConnectSync(*engine, spec, (*server)->password());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition)
      << refused.status().ToString();
  EXPECT_EQ(refused.status().message(), "database server's TLS certificate was not accepted");
}

// The server may ask the client for a file (LOAD DATA LOCAL INFILE); the engine never
// reads one.
TEST(MariadbEngineTest, ServerCannotReadLocalFiles) {
  auto target = MakeMariadbTarget(false);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  ASSERT_TRUE((*target)
                  ->AdminSql("DROP TABLE IF EXISTS contract_files; "
                             "CREATE TABLE contract_files (line TEXT); "
                             "SET GLOBAL local_infile = 1")
                  .ok());
  auto connection =
      testing::ConnectSync((*target)->engine(), (*target)->spec(), (*target)->password());
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  auto load = testing::QuerySync(
      **connection, {.sql = "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE contract_files"});
  EXPECT_FALSE(load.ok());
  auto count = (*target)->AdminScalar("SELECT COUNT(*) FROM contract_files");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, "0");
}

}  // namespace
}  // namespace howler::dbmanager
