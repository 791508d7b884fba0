#include "dbmanager/engine_contract_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <thread>

#include "dbmanager/testing/child_process.h"
#include "dbmanager/testing/sync_calls.h"

namespace howler::dbmanager {
namespace {

using testing::ConnectSync;
using testing::QuerySync;

// Waits (at most 10 s) until the server runs `count` sleeps, as the admin sees it.
bool WaitForRunningSleeps(EngineTarget& target, const std::string& count) {
  for (int i = 0; i < 500; ++i) {
    auto running = target.AdminScalar(target.dialect().running_sleeps);
    if (running.ok() && *running == count) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

const CellRow* OnlyRow(const Result<CollectedRows>& rows) {
  return rows.ok() && rows->rows.size() == 1 ? &rows->rows[0] : nullptr;
}

}  // namespace

std::string EngineFactoryName(const ::testing::TestParamInfo<EngineFactory>& info) {
  return info.param.name;
}

void PrintTo(const EngineFactory& factory, std::ostream* os) {
  *os << factory.name;
}

void EngineContractTest::SetUp() {
  auto target = GetParam().make(false);
  ASSERT_TRUE(target.ok()) << GetParam().name << " test server: " << target.status().ToString()
                           << " (run scripts/setup.sh)";
  target_ = std::move(target).value();
}

std::unique_ptr<Connection> EngineContractTest::Open(bool read_only) {
  ConnectionSpec spec = target_->spec();
  spec.read_only = read_only;
  auto connection = ConnectSync(target_->engine(), spec, target_->password());
  EXPECT_TRUE(connection.ok()) << connection.status().ToString();
  return connection.ok() ? std::move(connection).value() : nullptr;
}

TEST_P(EngineContractTest, OpensQueriesAndCloses) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  auto rows = QuerySync(*connection, {.sql = "SELECT 1 AS one"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->columns.size(), 1u);
  EXPECT_EQ(rows->columns[0].name, "one");
  ASSERT_NE(OnlyRow(rows), nullptr);
  EXPECT_EQ((*OnlyRow(rows))[0], "1");
  EXPECT_EQ(rows->summary.rows, 1);
  EXPECT_TRUE(testing::PingSync(*connection).ok());

  connection->Close();
  auto after = QuerySync(*connection, {.sql = "SELECT 1"});
  EXPECT_EQ(after.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(after.status().message(), "session is closed");
  connection->Close();  // idempotent
}

TEST_P(ServerEngineContractTest, WrongPasswordIsRefused) {
  auto connection = ConnectSync(target_->engine(), target_->spec(), "not-the-password");
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().code(), StatusCode::kPermissionDenied)
      << connection.status().ToString();
  EXPECT_EQ(connection.status().message(), "database refused the user name or password");
}

TEST_P(ServerEngineContractTest, UnknownDatabaseIsNotFound) {
  ConnectionSpec spec = target_->spec();
  spec.database = "no_such_database_here";
  auto connection = ConnectSync(target_->engine(), spec, target_->password());
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().code(), StatusCode::kNotFound) << connection.status().ToString();
}

TEST_P(EngineContractTest, RefusedHostIsUnavailable) {
  ConnectionSpec spec = target_->spec();
  auto port = testing::FreeLoopbackPort();  // nothing listens there
  ASSERT_TRUE(port.ok());
  spec.port = *port;
  spec.host = "127.0.0.1";
  auto connection = ConnectSync(target_->engine(), spec, target_->password());
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().code(), StatusCode::kUnavailable) << connection.status().ToString();
  EXPECT_EQ(connection.status().message(), "database host refused the connection")
      << connection.status().ToString();
}

TEST_P(EngineContractTest, EveryTypeMapsToItsJson) {
  const EngineDialect& dialect = target_->dialect();
  ASSERT_TRUE(target_->AdminSql("DROP TABLE IF EXISTS contract_types").ok());
  ASSERT_TRUE(target_->AdminSql(dialect.create_types).ok());
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  auto rows = QuerySync(*connection, {.sql = "SELECT * FROM contract_types"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_NE(OnlyRow(rows), nullptr);
  for (const auto& [column, expected] : dialect.expected_cells) {
    bool found = false;
    for (std::size_t i = 0; i < rows->columns.size(); ++i) {
      if (rows->columns[i].name == column) {
        found = true;
        EXPECT_EQ(rows->rows[0][i], expected) << column << " (" << rows->columns[i].type << ")";
      }
    }
    EXPECT_TRUE(found) << column;
  }
}

TEST_P(EngineContractTest, SchemaShowsTablesViewsKeysAndIndexes) {
  const EngineDialect& dialect = target_->dialect();
  ASSERT_TRUE(target_->AdminSql(dialect.create_fixture).ok());
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  auto schema = testing::SchemaSync(*connection);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_NE(std::find(schema->schemas.begin(), schema->schemas.end(), dialect.fixture_schema),
            schema->schemas.end());

  const SchemaRelation* parent = schema->Find(dialect.fixture_schema, "contract_parent");
  ASSERT_NE(parent, nullptr);
  EXPECT_FALSE(parent->view);
  ASSERT_EQ(parent->columns.size(), 3u);
  EXPECT_EQ(parent->columns[0].name, "id");
  EXPECT_TRUE(parent->columns[0].primary_key);
  EXPECT_FALSE(parent->columns[0].nullable);
  EXPECT_EQ(parent->columns[1].name, "name");
  EXPECT_FALSE(parent->columns[1].nullable);
  EXPECT_FALSE(parent->columns[1].primary_key);
  EXPECT_EQ(parent->columns[2].name, "score");
  EXPECT_TRUE(parent->columns[2].nullable);
  ASSERT_TRUE(parent->columns[2].default_value.has_value());
  EXPECT_NE(parent->columns[2].default_value->find("7"), std::string::npos);
  bool unique_name_index = false;
  for (const auto& index : parent->indexes) {
    if (index.unique && index.columns == std::vector<std::string>{"name"}) {
      unique_name_index = true;
    }
  }
  EXPECT_TRUE(unique_name_index);

  const SchemaRelation* child = schema->Find(dialect.fixture_schema, "contract_child");
  ASSERT_NE(child, nullptr);
  ASSERT_EQ(child->foreign_keys.size(), 1u);
  EXPECT_EQ(child->foreign_keys[0].columns, std::vector<std::string>{"parent_id"});
  EXPECT_EQ(child->foreign_keys[0].ref_table, "contract_parent");
  EXPECT_EQ(child->foreign_keys[0].ref_columns, std::vector<std::string>{"id"});

  const SchemaRelation* view = schema->Find(dialect.fixture_schema, "contract_view");
  ASSERT_NE(view, nullptr);
  EXPECT_TRUE(view->view);
  EXPECT_EQ(view->columns.size(), 2u);
}

TEST_P(EngineContractTest, FailingStatementCarriesTheEngineText) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  auto rows = QuerySync(*connection, {.sql = "SELECT * FROM contract_no_such_table"});
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rows.status().message().find("contract_no_such_table"), std::string::npos)
      << rows.status().message();
  // The session is still usable.
  EXPECT_TRUE(QuerySync(*connection, {.sql = "SELECT 1"}).ok());
}

TEST_P(EngineContractTest, ParametersRowLimitAndBatches) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  const std::string p = target_->dialect().placeholder;
  auto echoed = QuerySync(*connection, {.sql = "SELECT " + p, .params = {"it's \"quoted\""}});
  ASSERT_TRUE(echoed.ok()) << echoed.status().ToString();
  ASSERT_NE(OnlyRow(echoed), nullptr);
  EXPECT_EQ((*OnlyRow(echoed))[0], R"("it's \"quoted\"")");
  auto null = QuerySync(*connection, {.sql = "SELECT " + p, .params = {std::nullopt}});
  ASSERT_NE(OnlyRow(null), nullptr);
  EXPECT_EQ((*OnlyRow(null))[0], "null");

  ASSERT_TRUE(target_->AdminSql(target_->dialect().create_write_target).ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(target_->AdminSql(target_->dialect().insert_write).ok());
  }
  auto limited = QuerySync(*connection, {.sql = "SELECT v FROM contract_writes", .row_limit = 3});
  ASSERT_TRUE(limited.ok()) << limited.status().ToString();
  EXPECT_EQ(limited->rows.size(), 3u);
  EXPECT_EQ(limited->summary.rows, 3);
  EXPECT_TRUE(limited->summary.truncated);

  // A byte limit stops before the row that would pass it: "1" is one byte a row.
  auto bytes = QuerySync(*connection, {.sql = "SELECT v FROM contract_writes", .byte_limit = 2});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(bytes->rows.size(), 2u);
  EXPECT_EQ(bytes->summary.bytes, 2);
  EXPECT_TRUE(bytes->summary.truncated);

  // Many rows arrive in several batches, in order.
  std::string many =
      "SELECT a.v FROM contract_writes a, contract_writes b, contract_writes c, "
      "contract_writes d, contract_writes e, contract_writes f";  // 5^6 rows
  int batches = 0;
  auto all = testing::CollectSync(connection->Query({.sql = many}), &batches);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->rows.size(), 15625u);
  EXPECT_EQ(all->summary.rows, 15625);
  EXPECT_EQ(all->summary.bytes, 15625);
  EXPECT_FALSE(all->summary.truncated);
  EXPECT_GT(batches, 1);
}

TEST_P(ServerEngineContractTest, WriteReportsAffectedRows) {
  ASSERT_TRUE(target_->AdminSql(target_->dialect().create_write_target).ok());
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  auto inserted = QuerySync(*connection, {.sql = target_->dialect().insert_write});
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_TRUE(inserted->columns.empty());
  ASSERT_TRUE(inserted->summary.affected_rows.has_value());
  EXPECT_EQ(*inserted->summary.affected_rows, 1);
}

TEST_P(EngineContractTest, ExplainReturnsAPlan) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(target_->AdminSql(target_->dialect().create_write_target).ok());
  auto plan = testing::CollectSync(connection->Explain("SELECT v FROM contract_writes"));
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_FALSE(plan->rows.empty());
}

TEST_P(ServerEngineContractTest, SilentHostTimesOut) {
  // A listener that never accepts: the kernel completes the TCP handshake, and then
  // nothing ever answers.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length), 0);
  ConnectionSpec spec = target_->spec();
  spec.port = ntohs(addr.sin_port);
  spec.connect_timeout = std::chrono::milliseconds(1000);
  auto connection = ConnectSync(target_->engine(), spec, target_->password());
  ::close(fd);
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().code(), StatusCode::kDeadlineExceeded)
      << connection.status().ToString();
  EXPECT_EQ(connection.status().message(),
            "database host did not answer within the connect timeout");
}

TEST_P(ServerEngineContractTest, TlsRequiredButNotOfferedIsRefused) {
  ConnectionSpec spec = target_->spec();
  spec.ssl_mode = SslMode::kRequire;  // the test servers run without TLS
  auto connection = ConnectSync(target_->engine(), spec, target_->password());
  ASSERT_FALSE(connection.ok());
  EXPECT_EQ(connection.status().code(), StatusCode::kFailedPrecondition)
      << connection.status().ToString();
  EXPECT_EQ(connection.status().message(), "database server does not support TLS");
}

TEST_P(ServerEngineContractTest, CancelStopsALongQueryAndTheSessionStaysUsable) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  auto stream = connection->Query({.sql = target_->dialect().sleep(30)});
  auto result = std::async(std::launch::async, [stream] { return testing::CollectSync(stream); });
  ASSERT_TRUE(WaitForRunningSleeps(*target_, "1")) << "the sleep never ran on the server";
  // A second query while one runs is refused, not queued.
  auto second = QuerySync(*connection, {.sql = "SELECT 1"});
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);

  stream->Cancel();
  auto ended = result.get();
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.status().code(), StatusCode::kCancelled) << ended.status().ToString();
  // The server no longer runs it, and the session answers.
  EXPECT_TRUE(WaitForRunningSleeps(*target_, "0"));
  EXPECT_FALSE(connection->broken());
  auto after = QuerySync(*connection, {.sql = "SELECT 2"});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->rows.at(0).at(0), "2");
}

TEST_P(ServerEngineContractTest, StatementTimeoutStopsTheStatement) {
  auto connection = Open();
  ASSERT_NE(connection, nullptr);
  auto rows = QuerySync(*connection, {.sql = target_->dialect().sleep(30),
                                      .statement_timeout = std::chrono::milliseconds(200)});
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kDeadlineExceeded) << rows.status().ToString();
  EXPECT_EQ(rows.status().message(), "statement timeout reached");
  // Without a timeout the next statement runs normally.
  EXPECT_TRUE(QuerySync(*connection, {.sql = target_->dialect().sleep(0)}).ok());
}

TEST_P(ServerEngineContractTest, ReadOnlySessionRefusesWrites) {
  ASSERT_TRUE(target_->AdminSql(target_->dialect().create_write_target).ok());
  auto connection = Open(/*read_only=*/true);
  ASSERT_NE(connection, nullptr);
  auto write = QuerySync(*connection, {.sql = target_->dialect().insert_write});
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.status().code(), StatusCode::kPermissionDenied) << write.status().ToString();
  EXPECT_TRUE(QuerySync(*connection, {.sql = "SELECT v FROM contract_writes"}).ok());
}

TEST_P(ServerEngineContractTest, ServerKilledMidQueryBreaksTheSession) {
  auto fresh = GetParam().make(true);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  auto target = std::move(fresh).value();
  auto connection = ConnectSync(target->engine(), target->spec(), target->password());
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  auto stream = (*connection)->Query({.sql = target->dialect().sleep(30)});
  auto result = std::async(std::launch::async, [stream] { return testing::CollectSync(stream); });
  ASSERT_TRUE(WaitForRunningSleeps(*target, "1"));
  target->KillServer();
  auto ended = result.get();
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.status().code(), StatusCode::kUnavailable) << ended.status().ToString();
  EXPECT_EQ(ended.status().message(), "database connection lost");
  EXPECT_TRUE((*connection)->broken());
  auto after = QuerySync(**connection, {.sql = "SELECT 1"});
  EXPECT_EQ(after.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(after.status().message(), "session is broken");
}

}  // namespace howler::dbmanager
