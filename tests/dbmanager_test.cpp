// The database manager (API.md "Database manager") through the real binary, against a
// real PostgreSQL 15 and MariaDB 10.11 started by the tests (dbmanager/testing): open,
// streamed query, schema, explain, cancel, close; isolation between users; sessions opened
// from a synced connection item; the query history item; SSRF refusal in production;
// shutdown during a running query; and the password found nowhere afterwards.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "dbmanager/testing/mariadb_server.h"
#include "dbmanager/testing/postgres_server.h"
#include "howlerops/v1/dbmanager.grpc.pb.h"
#include "support/api_client.h"
#include "support/http_client.h"
#include "support/loopback_socket.h"
#include "support/server_process.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {

namespace json = boost::json;
using dbmanager::testing::MariadbServer;
using dbmanager::testing::PostgresServer;

// One database server the tests connect to, as the fields of an inline open.
struct Target {
  std::string type;
  std::string host;
  int port = 0;
  std::string database;
  std::string username;
  std::string password;
};

// The lines of a streamed query answer, parsed.
struct Streamed {
  HttpResult http;
  std::vector<json::object> lines;
  std::int64_t rows = 0;  // rows over every "rows" line
  const json::object* Last() const { return lines.empty() ? nullptr : &lines.back(); }
};

Streamed ParseStream(HttpResult http) {
  Streamed s;
  s.http = std::move(http);
  std::istringstream in(s.http.body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    json::value v = json::parse(line);
    if (const json::value* rows = v.as_object().if_contains("rows")) {
      s.rows += static_cast<std::int64_t>(rows->as_array().size());
    }
    s.lines.push_back(v.as_object());
  }
  return s;
}

// The caller's query_history items written by the server, once at least `want` are there
// (the server writes them on a worker after each query's answer ended: asked again for up
// to 10 s).
std::vector<json::object> ServerHistory(const ApiClient& api, const std::string& token,
                                        std::size_t want) {
  std::vector<json::object> found;
  for (int i = 0; i < 100; ++i) {
    found.clear();
    for (const json::object& item : DownloadAll(api, token, "dev-1").items) {
      if (item.contains("source") && item.at("source") == json::value("server")) {
        found.push_back(item);
      }
    }
    if (found.size() >= want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return found;
}

class DbManagerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pg = PostgresServer::Start();
    ASSERT_TRUE(pg.ok()) << pg.status().ToString();
    pg_ = std::move(*pg).release();
    auto maria = MariadbServer::Start();
    ASSERT_TRUE(maria.ok()) << maria.status().ToString();
    maria_ = std::move(*maria).release();
    ASSERT_TRUE(pg_->Sql("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, "
                         "price numeric(10,2) DEFAULT 0)")
                    .ok());
    ASSERT_TRUE(pg_->Sql("INSERT INTO items SELECT g, 'item ' || g, g * 1.5 "
                         "FROM generate_series(1, 3000) g")
                    .ok());
    ASSERT_TRUE(
        maria_->Sql("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL)").ok());
  }
  static void TearDownTestSuite() {
    delete pg_;
    delete maria_;
    pg_ = nullptr;
    maria_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(pg_, nullptr);
    ASSERT_NE(maria_, nullptr);
  }

  static Target Postgres() {
    return {"postgres", pg_->host(), pg_->port(), pg_->database(), pg_->user(), pg_->password()};
  }
  static Target Mariadb() {
    return {"mariadb",          maria_->host(), maria_->port(),
            maria_->database(), maria_->user(), maria_->password()};
  }

  static json::object OpenBody(const Target& t) {
    return {{"type", t.type},         {"host", t.host},         {"port", t.port},
            {"database", t.database}, {"username", t.username}, {"password", t.password}};
  }

  std::unique_ptr<ServerProcess> StartServer(std::map<std::string, std::string> env = {}) {
    ServerConfig config;
    config.env = std::move(env);
    config.env.emplace("LOG_LEVEL", "trace");
    auto server = std::make_unique<ServerProcess>(dir_.path(), config);
    EXPECT_TRUE(server->ready()) << server->Output();
    return server;
  }

  static std::string Open(const ApiClient& api, const TestAccount& who, const Target& t) {
    ApiResponse r =
        api.Call("POST", "/api/dbmanager/sessions", json::value(OpenBody(t)), who.token);
    EXPECT_EQ(r.status(), 201) << r;
    const json::value* session = r.Object().if_contains("session");
    if (session == nullptr || !session->is_object()) return "";
    return std::string(session->as_object().at("id").as_string());
  }

  static Streamed Query(const ApiClient& api, const TestAccount& who, const std::string& session,
                        json::object body, long timeout_ms = 60000) {
    return ParseStream(HttpRequest("POST",
                                   api.base_url() + "/api/dbmanager/sessions/" + session + "/query",
                                   {BearerHeader(who.token), "Content-Type: application/json"},
                                   json::serialize(body), timeout_ms));
  }

  // Starts a 30-second sleep, cancels it, and expects the answer within a few seconds with
  // CANCELLED and the session still usable.
  void CancelSleep(const Target& target, const std::string& sleep_sql) {
    auto server = StartServer();
    ApiClient api(server->base_url());
    TestAccount alice = CreateAccount(api, "dbcancel");
    const std::string session = Open(api, alice, target);
    ASSERT_FALSE(session.empty());
    const auto started = std::chrono::steady_clock::now();
    auto running = std::async(std::launch::async, [&] {
      return Query(api, alice, session, {{"sql", sleep_sql}});
    });
    // The query is registered when its answer starts; ask until it is.
    ApiResponse cancel;
    for (int i = 0; i < 100; ++i) {
      cancel = api.Call("POST", "/api/dbmanager/sessions/" + session + "/cancel",
                        json::value(json::object{}), alice.token);
      if (cancel.status() == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(cancel.status(), 200) << cancel;
    ASSERT_EQ(running.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    const Streamed s = running.get();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    ASSERT_NE(s.Last(), nullptr) << s.http.body;
    ASSERT_TRUE(s.Last()->contains("error")) << s.http.body;
    EXPECT_EQ(s.Last()->at("error").at("code").as_string(), "CANCELLED") << s.http.body;
    const Streamed again = Query(api, alice, session, {{"sql", "SELECT 1"}});
    ASSERT_NE(again.Last(), nullptr);
    EXPECT_TRUE(again.Last()->contains("summary")) << again.http.body;
    EXPECT_EQ(again.rows, 1);
  }

  TempDir dir_;
  static PostgresServer* pg_;
  static MariadbServer* maria_;
};

PostgresServer* DbManagerTest::pg_ = nullptr;
MariadbServer* DbManagerTest::maria_ = nullptr;

TEST_F(DbManagerTest, PostgresSessionStreamsSchemaExplainAndCloses) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbpg");
  const std::string session = Open(api, alice, Postgres());
  ASSERT_FALSE(session.empty());

  ApiResponse list = api.Call("GET", "/api/dbmanager/sessions", std::nullopt, alice.token);
  ASSERT_EQ(list.status(), 200) << list;
  ASSERT_EQ(list.Object().at("sessions").as_array().size(), 1u) << list;
  const json::object& info = list.Object().at("sessions").as_array()[0].as_object();
  EXPECT_EQ(info.at("id").as_string(), session);
  EXPECT_EQ(info.at("type").as_string(), "postgres");
  EXPECT_FALSE(info.contains("password"));
  ApiResponse health = api.Call("GET", "/health");
  EXPECT_EQ(health.Object().at("checks").at("dbmanager").at("sessions_open").at("postgres"), 1)
      << health;

  const Streamed s = Query(api, alice, session,
                           {{"sql", "SELECT id, name, price FROM items WHERE id > $1 ORDER BY id"},
                            {"params", json::array{"1000"}}});
  EXPECT_EQ(s.http.status, 200) << s.http.body;
  EXPECT_EQ(s.http.Header("transfer-encoding"), "chunked");
  EXPECT_EQ(s.http.Header("content-type"), "application/x-ndjson");
  ASSERT_GE(s.lines.size(), 3u) << s.http.body;
  const json::array& columns = s.lines.front().at("columns").as_array();
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0].at("name").as_string(), "id");
  EXPECT_EQ(columns[0].at("type").as_string(), "int8");
  EXPECT_EQ(s.rows, 2000);
  const json::array& first = s.lines[1].at("rows").as_array()[0].as_array();
  EXPECT_EQ(first[0], json::value("1001"));     // int8: a string
  EXPECT_EQ(first[2], json::value("1501.50"));  // numeric: a string
  const json::object& summary = s.Last()->at("summary").as_object();
  EXPECT_EQ(summary.at("rows").as_int64(), 2000);
  EXPECT_FALSE(summary.at("truncated").as_bool());

  const Streamed limited =
      Query(api, alice, session, {{"sql", "SELECT id FROM items"}, {"row_limit", 10}});
  EXPECT_EQ(limited.rows, 10);
  EXPECT_TRUE(limited.Last()->at("summary").at("truncated").as_bool()) << limited.http.body;

  const Streamed failing = Query(api, alice, session, {{"sql", "SELECT * FROM missing_table"}});
  ASSERT_NE(failing.Last(), nullptr);
  ASSERT_TRUE(failing.Last()->contains("error")) << failing.http.body;
  EXPECT_NE(std::string(failing.Last()->at("error").at("message").as_string()).find("42P01"),
            std::string::npos)
      << failing.http.body;

  const Streamed timed =
      Query(api, alice, session, {{"sql", "SELECT pg_sleep(5)"}, {"statement_timeout_ms", 200}});
  ASSERT_NE(timed.Last(), nullptr);
  EXPECT_EQ(timed.Last()->at("error").at("code").as_string(), "DEADLINE_EXCEEDED")
      << timed.http.body;

  ApiResponse schema =
      api.Call("GET", "/api/dbmanager/sessions/" + session + "/schema", std::nullopt, alice.token);
  ASSERT_EQ(schema.status(), 200) << schema;
  bool found = false;
  for (const json::value& r : schema.Object().at("relations").as_array()) {
    if (r.at("name").as_string() != "items") continue;
    found = true;
    EXPECT_EQ(r.at("columns").as_array().size(), 3u);
    EXPECT_TRUE(r.at("columns").as_array()[0].at("primary_key").as_bool());
    EXPECT_FALSE(r.at("columns").as_array()[1].at("nullable").as_bool());
  }
  EXPECT_TRUE(found) << schema;

  ApiResponse explain =
      api.Call("POST", "/api/dbmanager/sessions/" + session + "/explain",
               json::value(json::object{{"sql", "SELECT * FROM items"}}), alice.token);
  ASSERT_EQ(explain.status(), 200) << explain;
  EXPECT_FALSE(explain.Object().at("rows").as_array().empty()) << explain;

  // Every query run became a query_history item of alice's, from the server.
  const auto history = ServerHistory(api, alice.token, 4);
  ASSERT_EQ(history.size(), 4u) << "history items from the server";
  bool failed_one = false;
  for (const json::object& item : history) {
    EXPECT_EQ(item.at("connection_type"), json::value("postgres"));
    if (item.contains("error")) failed_one = true;
  }
  EXPECT_TRUE(failed_one) << "the failing query's item carries its error";

  ApiResponse closed =
      api.Call("DELETE", "/api/dbmanager/sessions/" + session, std::nullopt, alice.token);
  EXPECT_EQ(closed.status(), 200) << closed;
  EXPECT_TRUE(IsApiError(
      api.Call("DELETE", "/api/dbmanager/sessions/" + session, std::nullopt, alice.token), 404,
      "NOT_FOUND"));
  EXPECT_EQ(Query(api, alice, session, {{"sql", "SELECT 1"}}).http.status, 404);
}

TEST_F(DbManagerTest, MariadbSessionStreamsAndCloses) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbmaria");
  const std::string session = Open(api, alice, Mariadb());
  ASSERT_FALSE(session.empty());
  const Streamed s =
      Query(api, alice, session,
            {{"sql", "SELECT seq, CONCAT('r', seq) FROM seq_1_to_1500 WHERE seq > ?"},
             {"params", json::array{500}}});
  EXPECT_EQ(s.http.status, 200) << s.http.body;
  EXPECT_EQ(s.rows, 1000) << s.http.body;
  ASSERT_NE(s.Last(), nullptr);
  EXPECT_EQ(s.Last()->at("summary").at("rows").as_int64(), 1000) << s.http.body;
  ApiResponse schema =
      api.Call("GET", "/api/dbmanager/sessions/" + session + "/schema", std::nullopt, alice.token);
  ASSERT_EQ(schema.status(), 200) << schema;
  EXPECT_NE(json::serialize(schema.json).find("\"items\""), std::string::npos) << schema;
  EXPECT_EQ(
      api.Call("DELETE", "/api/dbmanager/sessions/" + session, std::nullopt, alice.token).status(),
      200);
}

TEST_F(DbManagerTest, PostgresQueryIsCancelled) {
  CancelSleep(Postgres(), "SELECT pg_sleep(30)");
}

TEST_F(DbManagerTest, MariadbQueryIsCancelled) {
  CancelSleep(Mariadb(), "SELECT SLEEP(30)");
}

TEST_F(DbManagerTest, ConnectErrorsAreClear) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dberr");
  Target wrong = Postgres();
  wrong.password = "not-the-password";
  EXPECT_TRUE(IsApiError(
      api.Call("POST", "/api/dbmanager/sessions", json::value(OpenBody(wrong)), alice.token), 403,
      "FORBIDDEN", "database refused the user name or password"));
  Target missing = Mariadb();
  missing.database = "no_such_database";
  EXPECT_TRUE(IsApiError(
      api.Call("POST", "/api/dbmanager/sessions", json::value(OpenBody(missing)), alice.token), 404,
      "NOT_FOUND", "database does not exist"));
  Target closed = Postgres();
  closed.port = static_cast<int>(FreePort());
  EXPECT_TRUE(IsApiError(
      api.Call("POST", "/api/dbmanager/sessions", json::value(OpenBody(closed)), alice.token), 503,
      "UNAVAILABLE", "database host refused the connection"));
  json::object bad = OpenBody(Postgres());
  bad["type"] = "oracle";
  EXPECT_TRUE(IsApiError(api.Call("POST", "/api/dbmanager/sessions", json::value(bad), alice.token),
                         400, "INVALID_REQUEST", "type must be"));
  EXPECT_EQ(api.Call("POST", "/api/dbmanager/sessions", json::value(OpenBody(Postgres()))).status(),
            401);
}

TEST_F(DbManagerTest, AnotherUsersSessionIsNotFound) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbalice");
  TestAccount bob = CreateAccount(api, "dbbob");
  const std::string session = Open(api, alice, Postgres());
  ASSERT_FALSE(session.empty());
  const std::string path = "/api/dbmanager/sessions/" + session;
  ApiResponse list = api.Call("GET", "/api/dbmanager/sessions", std::nullopt, bob.token);
  EXPECT_TRUE(list.Object().at("sessions").as_array().empty()) << list;
  EXPECT_TRUE(IsApiError(api.Call("GET", path + "/schema", std::nullopt, bob.token), 404,
                         "NOT_FOUND", "session not found"));
  EXPECT_TRUE(IsApiError(api.Call("POST", path + "/cancel", json::value(json::object{}), bob.token),
                         404, "NOT_FOUND"));
  EXPECT_TRUE(IsApiError(api.Call("POST", path + "/explain",
                                  json::value(json::object{{"sql", "SELECT 1"}}), bob.token),
                         404, "NOT_FOUND"));
  EXPECT_EQ(Query(api, bob, session, {{"sql", "SELECT 1"}}).http.status, 404);
  EXPECT_TRUE(IsApiError(api.Call("DELETE", path, std::nullopt, bob.token), 404, "NOT_FOUND"));
  // Still alice's and open.
  EXPECT_EQ(Query(api, alice, session, {{"sql", "SELECT 1"}}).rows, 1);
}

TEST_F(DbManagerTest, OpensFromTheCallersSyncedConnection) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbconn");
  TestAccount bob = CreateAccount(api, "dbconnb");
  const Target t = Postgres();
  json::object data{{"name", "local pg"}, {"type", "postgresql"},   {"host", t.host},
                    {"port", t.port},     {"database", t.database}, {"username", t.username}};
  ApiResponse up = Upload(api, alice.token, "dev-1",
                          json::array{Change("c-1", "connection", "conn-1", "create", 0, data)});
  ASSERT_EQ(up.status(), 200) << up;
  json::object open{{"connection_id", "conn-1"}, {"password", t.password}};
  ApiResponse opened = api.Call("POST", "/api/dbmanager/sessions", json::value(open), alice.token);
  ASSERT_EQ(opened.status(), 201) << opened;
  const std::string session(opened.Object().at("session").at("id").as_string());
  EXPECT_EQ(Query(api, alice, session, {{"sql", "SELECT 42"}}).rows, 1);
  const auto history = ServerHistory(api, alice.token, 1);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].at("connection_id"), json::value("conn-1"))
      << "the history item names the connection";
  // Bob cannot open alice's connection item.
  EXPECT_TRUE(IsApiError(api.Call("POST", "/api/dbmanager/sessions", json::value(open), bob.token),
                         404, "NOT_FOUND", "connection not found"));
}

TEST_F(DbManagerTest, ProductionRefusesPrivateAddressesUnlessAllowed) {
  std::map<std::string, std::string> env = {
      {"ENVIRONMENT", "production"},
      {"JWT_SECRET", std::string(kTestJwtSecret)},
      {"SMTP_URL", "smtp://127.0.0.1:9"},
      {"TURSO_URL", "file:" + (dir_.path() / "prod.db").string()}};
  {
    auto server = StartServer(env);
    ApiClient api(server->base_url());
    TestAccount alice = CreateAccount(api, "dbssrf");
    for (const std::string host : {"127.0.0.1", "169.254.169.254", "10.0.0.1", "localhost"}) {
      json::object body = OpenBody(Postgres());
      body["host"] = host;
      EXPECT_TRUE(
          IsApiError(api.Call("POST", "/api/dbmanager/sessions", json::value(body), alice.token),
                     403, "FORBIDDEN", "database host is not allowed"))
          << host;
    }
  }
  env["DBMANAGER_ALLOWED_NETWORKS"] = "127.0.0.1/32";
  auto server = StartServer(env);
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbssrfok");
  EXPECT_FALSE(Open(api, alice, Postgres()).empty());
}

// A client that hangs up mid-stream: the query is cancelled and its stream read to the end
// on the server, so the session takes the next query; the history item still comes.
TEST_F(DbManagerTest, AClientLeavingMidStreamFreesTheSession) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbleave");
  const std::string session = Open(api, alice, Postgres());
  ASSERT_FALSE(session.empty());
  {
    LoopbackSocket socket(server->http_port(), SocketOptions{.receive_buffer = 4096});
    const std::string body = json::serialize(json::object{{"sql",
                                                           "SELECT g, repeat('x', 200) FROM "
                                                           "generate_series(1, 5000000) g"}});
    ASSERT_TRUE(socket.Send("POST /api/dbmanager/sessions/" + session +
                            "/query HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                            alice.token + "\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body));
    std::string received;
    HttpHead head = socket.ReadHead(received);
    EXPECT_EQ(head.status, 200);
    while (received.size() < 64 * 1024 && socket.ReceiveInto(received)) {
    }
    EXPECT_GE(received.size(), 64u * 1024);
  }  // hangs up
  Streamed next;
  for (int i = 0; i < 100; ++i) {
    next = Query(api, alice, session, {{"sql", "SELECT 7"}});
    if (next.Last() != nullptr && next.Last()->contains("summary")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(next.Last(), nullptr);
  EXPECT_TRUE(next.Last()->contains("summary")) << next.http.body;
  EXPECT_EQ(next.rows, 1);
  EXPECT_EQ(ServerHistory(api, alice.token, 2).size(), 2u);
}

// howlerops.v1.DbManagerService: the same operations over gRPC, the query as a server
// stream; sessions are shared with HTTP (opened over one, used over the other); another
// user's session is NOT_FOUND; a cancelled query ends the call with CANCELLED.
TEST_F(DbManagerTest, TheOperationsOverGrpc) {
  namespace pb = ::howlerops::v1;
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbgrpc");
  TestAccount bob = CreateAccount(api, "dbgrpcb");
  auto stub = pb::DbManagerService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server->grpc_port()), grpc::InsecureChannelCredentials()));
  auto context = [](const TestAccount& who) {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    c->AddMetadata("authorization", "Bearer " + who.token);
    return c;
  };
  const Target t = Postgres();
  pb::OpenSessionRequest open;
  open.set_type(t.type);
  open.set_host(t.host);
  open.set_port(t.port);
  open.set_database(t.database);
  open.set_username(t.username);
  open.set_password(t.password);
  pb::DbSession session;
  grpc::Status status = stub->OpenSession(context(alice).get(), open, &session);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(session.type(), "postgres");

  pb::DbQueryRequest query;
  query.set_session_id(session.id());
  query.set_sql("SELECT id, name FROM items WHERE id <= $1 ORDER BY id");
  query.add_params("1500");
  auto ctx = context(alice);
  auto reader = stub->Query(ctx.get(), query);
  pb::DbQueryEvent event;
  std::vector<pb::DbQueryEvent> events;
  while (reader->Read(&event)) events.push_back(event);
  status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(events.size(), 3u);
  ASSERT_TRUE(events.front().has_columns());
  EXPECT_EQ(events.front().columns().columns(0).name(), "id");
  std::int64_t rows = 0;
  for (const auto& e : events) rows += e.has_rows() ? e.rows().rows_size() : 0;
  EXPECT_EQ(rows, 1500);
  EXPECT_EQ(events[1].rows().rows(0), "[\"1\",\"item 1\"]");
  ASSERT_TRUE(events.back().has_summary());
  EXPECT_EQ(events.back().summary().rows(), 1500);

  // The same session over HTTP.
  EXPECT_EQ(Query(api, alice, session.id(), {{"sql", "SELECT 1"}}).rows, 1);

  pb::DbSessionRequest by_id;
  by_id.set_session_id(session.id());
  pb::DbSchemaResponse schema;
  status = stub->GetSchema(context(alice).get(), by_id, &schema);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(schema.schema().fields().contains("relations"));
  status = stub->GetSchema(context(bob).get(), by_id, &schema);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  pb::DbExplainRequest explain;
  explain.set_session_id(session.id());
  explain.set_sql("SELECT * FROM items");
  pb::DbExplainResponse plan;
  status = stub->Explain(context(alice).get(), explain, &plan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(plan.rows_size(), 0);

  // A long query cancelled through Cancel ends its call with CANCELLED.
  query.set_sql("SELECT pg_sleep(30)");
  query.clear_params();
  auto sleep_ctx = context(alice);
  auto sleeping = stub->Query(sleep_ctx.get(), query);
  pb::DbMessageResponse answer;
  grpc::Status cancel;
  for (int i = 0; i < 100; ++i) {
    cancel = stub->Cancel(context(alice).get(), by_id, &answer);
    if (cancel.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(cancel.ok()) << cancel.error_message();
  while (sleeping->Read(&event)) {
  }
  EXPECT_EQ(sleeping->Finish().error_code(), grpc::StatusCode::CANCELLED);

  pb::ListDbSessionsResponse list;
  ASSERT_TRUE(stub->ListSessions(context(bob).get(), {}, &list).ok());
  EXPECT_EQ(list.sessions_size(), 0);
  EXPECT_EQ(stub->CloseSession(context(bob).get(), by_id, &answer).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub->CloseSession(context(alice).get(), by_id, &answer).ok());
  EXPECT_EQ(answer.message(), "session closed");
  ASSERT_TRUE(stub->ListSessions(context(alice).get(), {}, &list).ok());
  EXPECT_EQ(list.sessions_size(), 0);
}

// Backends (other than the asking one) running this test's sleep (31 s: the other tests
// sleep 30 s, and a backend whose client left may sleep on until it notices).
constexpr const char* kSleeping =
    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(31)%' AND state = "
    "'active' AND pid <> pg_backend_pid()";

TEST_F(DbManagerTest, ShutdownEndsARunningQuery) {
  auto server = StartServer({{"SHUTDOWN_TIMEOUT", "10s"}});
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbstop");
  const std::string session = Open(api, alice, Postgres());
  ASSERT_FALSE(session.empty());
  auto running = std::async(std::launch::async, [&] {
    return Query(api, alice, session, {{"sql", "SELECT pg_sleep(31)"}});
  });
  // Wait until the query runs on the database server.
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    auto n = pg_->Scalar(kSleeping);
    seen = n.ok() && *n == "1";
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(seen);
  const auto started = std::chrono::steady_clock::now();
  const std::optional<int> code = server->Stop(std::chrono::seconds(20));
  EXPECT_EQ(code, 0) << server->Output();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(12));
  ASSERT_EQ(running.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const Streamed s = running.get();
  EXPECT_TRUE(s.Last() == nullptr || s.Last()->contains("error")) << s.http.body;
  // The database server no longer runs it (the backend may take a moment to go idle).
  std::string left;
  for (int i = 0; i < 40 && left != "0"; ++i) {
    auto n = pg_->Scalar(kSleeping);
    left = n.ok() ? *n : "?";
    if (left != "0") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(left, "0");
}

// Everything in `dir`'s files, concatenated.
std::string FilesUnder(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), {});
  }
  return all;
}

TEST_F(DbManagerTest, ThePasswordIsFoundNowhere) {
  const std::string password = "Pw-" + UniqueName("leak") + "-x9";
  const std::string role = UniqueName("leakrole");
  ASSERT_TRUE(pg_->Sql("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'").ok());
  ASSERT_TRUE(pg_->Sql("GRANT SELECT ON items TO " + role).ok());
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "dbleak");
  Target t = Postgres();
  t.username = role;
  t.password = password;
  const std::string session = Open(api, alice, t);
  ASSERT_FALSE(session.empty());
  const Streamed five = Query(api, alice, session, {{"sql", "SELECT id FROM items LIMIT 5"}});
  EXPECT_EQ(five.rows, 5) << five.http.status << " " << five.http.body;
  Query(api, alice, session, {{"sql", "SELECT '" + password + "'"}});  // a literal, stripped
  Query(api, alice, session, {{"sql", "DELETE FROM items"}});          // refused: no grant
  api.Call("GET", "/api/dbmanager/sessions/" + session + "/schema", std::nullopt, alice.token);
  Target missing = t;
  missing.database = "nope";
  api.Call("POST", "/api/dbmanager/sessions", json::value(OpenBody(missing)), alice.token);
  api.Call("DELETE", "/api/dbmanager/sessions/" + session, std::nullopt, alice.token);
  const std::string metrics = HttpGet(server->metrics_url() + "/metrics").body;
  EXPECT_NE(metrics.find("dbmanager_queries_total"), std::string::npos);
  EXPECT_EQ(metrics.find(password), std::string::npos) << "in /metrics";
  EXPECT_EQ(server->Stop(), 0);
  const std::string output = server->Output();
  EXPECT_NE(output.find("/api/dbmanager/sessions"), std::string::npos)
      << "the log holds the session's requests";
  EXPECT_EQ(output.find(password), std::string::npos) << "in the log";
  std::string files;
  for (const auto& f : server->database_files()) {
    std::ifstream in(f, std::ios::binary);
    files.append(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_FALSE(files.empty());
  EXPECT_EQ(files.find(password), std::string::npos) << "in the database files";
  EXPECT_EQ(FilesUnder(dir_.path()).find(password), std::string::npos) << "in the data dir";
}

}  // namespace
}  // namespace howler::testing
