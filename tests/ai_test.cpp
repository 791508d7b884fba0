// The AI assistant (API.md "AI assistant") through the real binary, against the fake
// OpenAI-compatible provider of tests/support and a real PostgreSQL started by the tests
// (dbmanager/testing) whose schema is the context: prompts carry the schema summary and
// never a password, a row or a literal; chunks pass through in order; every provider
// failure is a clear error; the daily budget (429 with the reset time) and the rate limit;
// a client that hangs up aborts the provider request; 401 without a session; not
// configured; gRPC's server stream.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "dbmanager/testing/postgres_server.h"
#include "howlerops/v1/ai.grpc.pb.h"
#include "support/api_client.h"
#include "support/fake_ai_provider.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/stream_client.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {

namespace json = boost::json;
using dbmanager::testing::PostgresServer;

constexpr std::string_view kKey = "sk-fake-provider-key-6f1c2d";
constexpr std::string_view kRowSecret = "row-value-never-sent-93ad";

// The fields of a server-sent event block: event name and data.
struct Event {
  std::string event;
  std::string data;
};

std::optional<Event> NextEvent(StreamClient& client) {
  while (auto block = client.ReadEvent()) {
    if (block->rfind(":", 0) == 0) continue;  // a heartbeat
    Event e;
    std::size_t pos = 0;
    while (pos < block->size()) {
      std::size_t end = block->find('\n', pos);
      if (end == std::string::npos) end = block->size();
      const std::string line = block->substr(pos, end - pos);
      if (line.rfind("event: ", 0) == 0) e.event = line.substr(7);
      if (line.rfind("data: ", 0) == 0) e.data += line.substr(6);
      pos = end + 1;
    }
    return e;
  }
  return std::nullopt;
}

class AiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto pg = PostgresServer::Start();
    ASSERT_TRUE(pg.ok()) << pg.status().ToString();
    pg_ = std::move(*pg).release();
    ASSERT_TRUE(pg_->Sql("CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, "
                         "note text DEFAULT 'default-never-sent')")
                    .ok());
    ASSERT_TRUE(pg_->Sql("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint "
                         "REFERENCES customers (id), total numeric(10,2))")
                    .ok());
    ASSERT_TRUE(pg_->Sql("CREATE TABLE unrelated_audit (id bigint PRIMARY KEY)").ok());
    ASSERT_TRUE(
        pg_->Sql("INSERT INTO customers VALUES (1, '" + std::string(kRowSecret) + "', 'x')").ok());
  }
  static void TearDownTestSuite() {
    delete pg_;
    pg_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(pg_, nullptr); }

  std::unique_ptr<ServerProcess> StartServer(std::map<std::string, std::string> env = {},
                                             bool with_provider = true) {
    ServerConfig config;
    config.env = std::move(env);
    config.env.emplace("LOG_LEVEL", "trace");
    if (with_provider) {
      config.env.emplace("AI_BASE_URL", fake_.base_url());
      config.env.emplace("AI_MODEL", "fake-model");
      config.env.emplace("AI_API_KEY", std::string(kKey));
    }
    auto server = std::make_unique<ServerProcess>(dir_.path(), config);
    EXPECT_TRUE(server->ready()) << server->Output();
    return server;
  }

  static std::string OpenSession(const ApiClient& api, const TestAccount& who) {
    json::object body{{"type", "postgres"},      {"host", pg_->host()},
                      {"port", pg_->port()},     {"database", pg_->database()},
                      {"username", pg_->user()}, {"password", pg_->password()}};
    ApiResponse r = api.Call("POST", "/api/dbmanager/sessions", json::value(body), who.token);
    EXPECT_EQ(r.status(), 201) << r;
    const json::value* session = r.Object().if_contains("session");
    if (session == nullptr || !session->is_object()) return "";
    return std::string(session->as_object().at("id").as_string());
  }

  static ApiResponse Ask(const ApiClient& api, const std::string& token, const std::string& op,
                         json::object body) {
    return api.Call("POST", "/api/ai/" + op, json::value(std::move(body)), token);
  }

  // The prompt texts of the provider's last request.
  std::string LastPrompt() {
    const auto requests = fake_.requests();
    if (requests.empty()) return "";
    return requests.back().body;
  }

  FakeAiProvider fake_;
  TempDir dir_;
  static PostgresServer* pg_;
};

PostgresServer* AiTest::pg_ = nullptr;

TEST_F(AiTest, GenerateSendsTheSchemaSummaryAndNoSecrets) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aigen");
  const std::string session = OpenSession(api, alice);
  ASSERT_FALSE(session.empty());
  FakeAiScript script;
  script.chunks = {"Here:\n```sql\nSELECT c.email, sum(o.total) ",
                   "FROM customers c JOIN orders o ",
                   "ON o.customer_id = c.id GROUP BY c.email;\n```\n", "Totals per customer."};
  fake_.SetScript(script);
  ApiResponse r = Ask(api, alice.token, "generate",
                      {{"question", "total of orders per customer"},
                       {"dialect", "postgres"},
                       {"session_id", session}});
  ASSERT_EQ(r.status(), 200) << r;
  EXPECT_EQ(r.Str("sql"),
            "SELECT c.email, sum(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.email;");
  EXPECT_EQ(r.Str("prose"), "Here:\n\nTotals per customer.");
  EXPECT_EQ(r.Object().at("read_only"), json::value(true));
  EXPECT_EQ(r.Object().at("usage").at("tokens_in").as_int64(), 100);
  EXPECT_EQ(r.Object().at("usage").at("tokens_out").as_int64(), 20);

  ASSERT_EQ(fake_.requests().size(), 1u);
  const FakeAiRequest sent = fake_.requests()[0];
  EXPECT_EQ(sent.headers.at("authorization"), "Bearer " + std::string(kKey));
  const json::object body = json::parse(sent.body).as_object();
  EXPECT_EQ(body.at("model"), "fake-model");
  EXPECT_TRUE(body.at("stream").as_bool());
  const std::string system(body.at("messages").at(0).at("content").as_string());
  const std::string user(body.at("messages").at(1).at("content").as_string());
  EXPECT_EQ(user, "total of orders per customer");
  // The named table first, then its neighbour, then the rest.
  const auto orders = system.find("public.orders: id bigint pk, customer_id bigint, total numeric");
  const auto customers = system.find("public.customers: id bigint pk, email text not null");
  const auto audit = system.find("public.unrelated_audit");
  ASSERT_NE(orders, std::string::npos) << system;
  ASSERT_NE(customers, std::string::npos) << system;
  EXPECT_LT(orders, customers);
  EXPECT_LT(customers, audit);
  EXPECT_NE(system.find("fk (customer_id) -> public.customers (id)"), std::string::npos);
  for (const std::string& secret :
       {std::string(kRowSecret), pg_->password(), std::string("default-never-sent")}) {
    EXPECT_EQ(sent.body.find(secret), std::string::npos) << secret;
  }
  // The provider's key never reaches the log.
  EXPECT_EQ(server->Output().find(std::string(kKey)), std::string::npos);
}

TEST_F(AiTest, FixAndExplainMaskLiteralsUnlessTheUserOptsIn) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aifix");
  fake_.SetScript({});
  const std::string sql = "SELECT * FROM customers WHERE email = 'alice@example.com' AND id > 4217";
  ApiResponse fix = Ask(api, alice.token, "fix",
                        {{"sql", sql},
                         {"error", "column \"emial\" does not exist near 'alice@example.com'"},
                         {"dialect", "postgres"}});
  ASSERT_EQ(fix.status(), 200) << fix;
  EXPECT_EQ(fix.Str("sql"), "SELECT 1;");
  std::string prompt = LastPrompt();
  EXPECT_EQ(prompt.find("alice@example.com"), std::string::npos) << prompt;
  EXPECT_EQ(prompt.find("4217"), std::string::npos) << prompt;
  EXPECT_NE(prompt.find("WHERE email = ? AND id > ?"), std::string::npos) << prompt;
  EXPECT_NE(prompt.find("No schema is available."), std::string::npos);

  ApiResponse explain = Ask(api, alice.token, "explain", {{"sql", sql}});
  ASSERT_EQ(explain.status(), 200) << explain;
  EXPECT_EQ(LastPrompt().find("alice@example.com"), std::string::npos);

  ApiResponse opted = Ask(api, alice.token, "explain", {{"sql", sql}, {"include_literals", true}});
  ASSERT_EQ(opted.status(), 200) << opted;
  EXPECT_NE(LastPrompt().find("alice@example.com"), std::string::npos);

  // A write is flagged.
  FakeAiScript writes;
  writes.chunks = {"```sql\nDELETE FROM customers WHERE id = 1;\n```"};
  fake_.SetScript(writes);
  ApiResponse w = Ask(api, alice.token, "generate", {{"question", "remove customer one"}});
  ASSERT_EQ(w.status(), 200) << w;
  EXPECT_EQ(w.Object().at("read_only"), json::value(false));
  // Missing fields are refused before the provider is asked.
  const std::size_t asked = fake_.requests().size();
  EXPECT_TRUE(IsApiError(Ask(api, alice.token, "fix", {{"sql", "SELECT 1"}}), 400,
                         "INVALID_REQUEST", "error is required"));
  EXPECT_TRUE(IsApiError(Ask(api, alice.token, "generate", {}), 400, "INVALID_REQUEST",
                         "question is required"));
  EXPECT_TRUE(IsApiError(
      Ask(api, alice.token, "explain", {{"sql", "SELECT 1"}, {"session_id", "no-such-session"}}),
      404, "NOT_FOUND"));
  EXPECT_EQ(fake_.requests().size(), asked);
}

TEST_F(AiTest, StreamedChunksPassThroughInOrder) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aisse");
  FakeAiScript script;
  script.chunks.clear();
  for (int i = 0; i < 20; ++i) script.chunks.push_back("part" + std::to_string(i) + " ");
  script.chunk_delay = std::chrono::milliseconds(5);
  fake_.SetScript(script);
  StreamClient client(
      server->http_port(), "POST", "/api/ai/generate",
      {BearerHeader(alice.token), "Accept: text/event-stream", "Content-Type: application/json"},
      R"({"question":"anything"})");
  ASSERT_EQ(client.status(), 200);
  EXPECT_EQ(client.head().Header("content-type"), "text/event-stream");
  std::string joined;
  std::optional<Event> last;
  int deltas = 0;
  while (auto e = NextEvent(client)) {
    if (e->event == "delta") {
      joined += std::string(json::parse(e->data).at("text").as_string());
      ++deltas;
    } else {
      last = e;
    }
  }
  EXPECT_TRUE(client.ended());
  EXPECT_EQ(deltas, 20);
  std::string expected;
  for (const auto& c : script.chunks) expected += c;
  EXPECT_EQ(joined, expected);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->event, "answer");
  const json::object answer = json::parse(last->data).as_object();
  EXPECT_EQ(answer.at("text").as_string(), expected);
  EXPECT_EQ(answer.at("sql").as_string(), "");
  EXPECT_TRUE(answer.at("read_only").is_null());
}

TEST_F(AiTest, EveryProviderFailureIsAClearError) {
  auto server = StartServer({{"AI_REQUEST_TIMEOUT", "2s"}});
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aifail");
  const json::object q{{"question", "anything"}};
  FakeAiScript s;
  s.mode = FakeAiMode::kStatus;
  s.status = 429;
  fake_.SetScript(s);
  ApiResponse r = Ask(api, alice.token, "generate", q);
  EXPECT_TRUE(IsApiError(r, 503, "UNAVAILABLE", "the AI provider is rate limiting this server"));
  EXPECT_EQ(r.Header("retry-after"), "7");
  s.status = 500;
  fake_.SetScript(s);
  EXPECT_TRUE(IsApiError(Ask(api, alice.token, "generate", q), 503, "UNAVAILABLE",
                         "the AI provider failed (HTTP 500)"));
  s.mode = FakeAiMode::kBroken;
  fake_.SetScript(s);
  EXPECT_TRUE(IsApiError(Ask(api, alice.token, "generate", q), 503, "UNAVAILABLE",
                         "the AI provider's answer broke off"));
  s.mode = FakeAiMode::kGarbage;
  fake_.SetScript(s);
  EXPECT_TRUE(IsApiError(Ask(api, alice.token, "generate", q), 503, "UNAVAILABLE",
                         "the AI provider's answer broke off"));
  s.mode = FakeAiMode::kHang;
  fake_.SetScript(s);
  EXPECT_TRUE(IsApiError(Ask(api, alice.token, "generate", q), 503, "UNAVAILABLE",
                         "the AI provider did not answer in time"));
  // Streamed: the failure is the stream's last event.
  s.mode = FakeAiMode::kBroken;
  fake_.SetScript(s);
  StreamClient client(
      server->http_port(), "POST", "/api/ai/generate",
      {BearerHeader(alice.token), "Accept: text/event-stream", "Content-Type: application/json"},
      R"({"question":"anything"})");
  ASSERT_EQ(client.status(), 200);
  std::optional<Event> e, last;
  while ((e = NextEvent(client))) last = e;
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->event, "error");
  const json::object error = json::parse(last->data).as_object();
  EXPECT_EQ(error.at("code").as_string(), "UNAVAILABLE");
  EXPECT_EQ(error.at("status").as_int64(), 503);
  EXPECT_EQ(error.at("message").as_string(), "the AI provider's answer broke off");
  // Unreachable: the provider is gone.
  auto gone = std::make_unique<FakeAiProvider>();
  const std::string gone_url = gone->base_url();
  gone.reset();
  server.reset();
  auto unreachable = StartServer({{"AI_BASE_URL", gone_url}});
  ApiClient api2(unreachable->base_url());
  TestAccount bob = CreateAccount(api2, "aigone");
  EXPECT_TRUE(IsApiError(Ask(api2, bob.token, "generate", q), 503, "UNAVAILABLE",
                         "the AI provider is unreachable"));
}

TEST_F(AiTest, ClientDisconnectAbortsTheProviderRequest) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aiabort");
  FakeAiScript s;
  s.mode = FakeAiMode::kHang;
  fake_.SetScript(s);
  {
    StreamClient client(
        server->http_port(), "POST", "/api/ai/explain",
        {BearerHeader(alice.token), "Accept: text/event-stream", "Content-Type: application/json"},
        R"({"sql":"SELECT 1"})");
    ASSERT_EQ(client.status(), 200);
    auto first = NextEvent(client);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->event, "delta");
    EXPECT_EQ(fake_.disconnects(), 0);
  }  // hangs up mid-answer
  EXPECT_TRUE(fake_.WaitDisconnects(1, std::chrono::seconds(5)));
}

TEST_F(AiTest, DailyBudgetAndRateLimit) {
  auto server = StartServer({{"AI_DAILY_TOKENS_FREE", "150"}, {"AI_RATE_LIMIT_PER_MIN", "3"}});
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aibudget");
  fake_.SetScript({});  // each answer: 100 tokens in, 20 out
  ApiResponse usage = api.Call("GET", "/api/ai/usage", std::nullopt, alice.token);
  ASSERT_EQ(usage.status(), 200) << usage;
  EXPECT_EQ(usage.Object().at("tokens_in").as_int64(), 0);
  EXPECT_EQ(usage.Object().at("daily_budget").as_int64(), 150);
  EXPECT_EQ(usage.Str("tier"), "free");
  EXPECT_EQ(Ask(api, alice.token, "generate", {{"question", "one"}}).status(), 200);
  // The usage is written on a worker after the answer: ask until it shows.
  for (int i = 0; i < 50; ++i) {
    usage = api.Call("GET", "/api/ai/usage", std::nullopt, alice.token);
    if (usage.Object().at("requests").as_int64() == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(usage.Object().at("tokens_in").as_int64(), 100);
  EXPECT_EQ(usage.Object().at("tokens_out").as_int64(), 20);
  EXPECT_EQ(usage.Object().at("remaining").as_int64(), 30);
  // The next answer may spend at most the rest.
  EXPECT_EQ(Ask(api, alice.token, "generate", {{"question", "two"}}).status(), 200);
  EXPECT_NE(LastPrompt().find("\"max_tokens\":30"), std::string::npos) << LastPrompt();
  for (int i = 0; i < 50; ++i) {
    usage = api.Call("GET", "/api/ai/usage", std::nullopt, alice.token);
    if (usage.Object().at("requests").as_int64() == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string resets_at = usage.Str("resets_at");
  ASSERT_TRUE(IsWireTimestamp(json::value(resets_at))) << usage;
  EXPECT_NE(resets_at.find("T00:00:00.000Z"), std::string::npos);
  ApiResponse spent = Ask(api, alice.token, "generate", {{"question", "three"}});
  EXPECT_TRUE(IsApiError(spent, 429, "RATE_LIMITED", "resets at " + resets_at)) << spent;
  const int retry = std::stoi(spent.Header("retry-after"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 86400);
  EXPECT_EQ(fake_.requests().size(), 2u);
  // The per-minute rate: 3 requests, the fourth is refused (another user, fresh budget).
  TestAccount bob = CreateAccount(api, "airate");
  for (int i = 0; i < 3; ++i) Ask(api, bob.token, "explain", {{"sql", "SELECT 1"}});
  ApiResponse limited = Ask(api, bob.token, "explain", {{"sql", "SELECT 1"}});
  EXPECT_TRUE(IsApiError(limited, 429, "RATE_LIMITED", "too many AI requests")) << limited;
  EXPECT_FALSE(limited.Header("retry-after").empty());
}

TEST_F(AiTest, UnauthenticatedCallsAre401AndNotConfiguredIsClear) {
  auto server = StartServer({}, /*with_provider=*/false);
  ApiClient api(server->base_url());
  for (const char* op : {"generate", "fix", "explain"}) {
    EXPECT_TRUE(IsApiError(Ask(api, "", op, {{"question", "x"}}), 401, "UNAUTHORIZED")) << op;
    EXPECT_TRUE(IsApiError(Ask(api, "not-a-token", op, {{"question", "x"}}), 401, "UNAUTHORIZED"))
        << op;
  }
  EXPECT_TRUE(IsApiError(api.Call("GET", "/api/ai/usage"), 401, "UNAUTHORIZED"));
  TestAccount alice = CreateAccount(api, "ainocfg");
  EXPECT_TRUE(IsApiError(Ask(api, alice.token, "generate", {{"question", "x"}}), 503, "UNAVAILABLE",
                         "the AI assistant is not configured on this server"));
  ApiResponse usage = api.Call("GET", "/api/ai/usage", std::nullopt, alice.token);
  ASSERT_EQ(usage.status(), 200) << usage;
  EXPECT_EQ(usage.Object().at("configured"), json::value(false));
  const CommandResult check = RunServerCommand(dir_.path(), {"check-config"}, {});
  EXPECT_NE(check.output.find("the AI assistant is not configured"), std::string::npos)
      << check.output;
  const CommandResult masked = RunServerCommand(dir_.path(), {"check-config"},
                                                {{"AI_BASE_URL", "https://api.example.com/v1"},
                                                 {"AI_MODEL", "m"},
                                                 {"AI_API_KEY", std::string(kKey)}});
  EXPECT_EQ(masked.output.find(std::string(kKey)), std::string::npos) << masked.output;
  EXPECT_EQ(masked.output.find("the AI assistant is not configured"), std::string::npos);
  EXPECT_EQ(fake_.requests().size(), 0u);
}

TEST_F(AiTest, ShutdownEndsAnswersInFlight) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aistop");
  FakeAiScript s;
  s.mode = FakeAiMode::kHang;
  fake_.SetScript(s);
  StreamClient streamed(
      server->http_port(), "POST", "/api/ai/generate",
      {BearerHeader(alice.token), "Accept: text/event-stream", "Content-Type: application/json"},
      R"({"question":"q"})");
  ASSERT_EQ(streamed.status(), 200);
  ASSERT_TRUE(NextEvent(streamed).has_value());
  auto whole = std::async(std::launch::async, [&] {
    return Ask(api, alice.token, "explain", {{"sql", "SELECT 1"}});
  });
  ASSERT_TRUE(fake_.WaitRequests(2, std::chrono::seconds(10)));
  const auto code = server->Stop();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << server->Output();
  ASSERT_EQ(whole.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(IsApiError(whole.get(), 503, "UNAVAILABLE", "the server is shutting down"));
  while (NextEvent(streamed)) {
  }
  EXPECT_TRUE(streamed.ended() || streamed.cut());
  EXPECT_TRUE(fake_.WaitDisconnects(2, std::chrono::seconds(10)));
}

TEST_F(AiTest, ASyncedConnectionWithAnOpenSessionIsTheContext) {
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aiconn");
  TestAccount bob = CreateAccount(api, "aiconnb");
  fake_.SetScript({});
  json::object data{{"name", "local pg"},          {"type", "postgresql"},
                    {"host", pg_->host()},         {"port", pg_->port()},
                    {"database", pg_->database()}, {"username", pg_->user()}};
  ApiResponse up = Upload(api, alice.token, "dev-1",
                          json::array{Change("c-1", "connection", "conn-1", "create", 0, data)});
  ASSERT_EQ(up.status(), 200) << up;
  const json::object ask{{"question", "orders"}, {"connection_id", "conn-1"}};
  // No session of it open yet.
  EXPECT_TRUE(
      IsApiError(Ask(api, alice.token, "generate", ask), 404, "NOT_FOUND", "open one first"));
  json::object open{{"connection_id", "conn-1"}, {"password", pg_->password()}};
  ASSERT_EQ(api.Call("POST", "/api/dbmanager/sessions", json::value(open), alice.token).status(),
            201);
  ASSERT_EQ(Ask(api, alice.token, "generate", ask).status(), 200);
  EXPECT_NE(LastPrompt().find("public.orders"), std::string::npos);
  // Another user's connection id is not found, like an unknown one.
  EXPECT_TRUE(IsApiError(Ask(api, bob.token, "generate", ask), 404, "NOT_FOUND"));
  // Metrics count requests and tokens.
  const HttpResult metrics = HttpGet(server->metrics_url() + "/metrics");
  EXPECT_NE(metrics.body.find("sql_studio_ai_requests_total{result=\"ok\",task=\"generate\"} 1"),
            std::string::npos)
      << metrics.body.substr(0, 200);
  EXPECT_NE(metrics.body.find("sql_studio_ai_tokens_total{direction=\"in\"} 100"),
            std::string::npos);
  EXPECT_NE(
      metrics.body.find("sql_studio_ai_provider_latency_seconds_count{phase=\"first_chunk\"} 1"),
      std::string::npos);
}

TEST_F(AiTest, GrpcStreamsDeltasThenTheAnswerAndCancelAbortsUpstream) {
  namespace pb = ::howlerops::v1;
  auto server = StartServer();
  ApiClient api(server->base_url());
  TestAccount alice = CreateAccount(api, "aigrpc");
  const std::string session = OpenSession(api, alice);
  auto stub = pb::AiService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server->grpc_port()), grpc::InsecureChannelCredentials()));
  FakeAiScript script;
  script.chunks = {"```sql\nSELECT count(*) ", "FROM orders;\n```\n", "Counts orders."};
  fake_.SetScript(script);
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + alice.token);
    pb::AiRequest req;
    req.set_question("how many orders");
    req.set_session_id(session);
    req.set_dialect("postgres");
    auto reader = stub->Generate(&ctx, req);
    std::vector<std::string> deltas;
    std::optional<pb::AiAnswer> answer;
    for (pb::AiEvent e; reader->Read(&e);) {
      if (e.has_answer()) {
        answer = e.answer();
      } else {
        deltas.push_back(e.delta());
      }
    }
    const grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(deltas, script.chunks);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->sql(), "SELECT count(*) FROM orders;");
    EXPECT_TRUE(answer->has_sql());
    EXPECT_TRUE(answer->read_only());
    EXPECT_EQ(answer->prose(), "Counts orders.");
    EXPECT_NE(LastPrompt().find("public.orders"), std::string::npos);
  }
  {  // usage
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + alice.token);
    pb::AiUsage usage;
    ASSERT_TRUE(stub->GetUsage(&ctx, pb::AiUsageRequest(), &usage).ok());
    EXPECT_TRUE(usage.configured());
    EXPECT_EQ(usage.tier(), "free");
  }
  {  // unauthenticated
    grpc::ClientContext ctx;
    pb::AiRequest req;
    req.set_question("x");
    auto reader = stub->Generate(&ctx, req);
    pb::AiEvent e;
    EXPECT_FALSE(reader->Read(&e));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {  // a provider failure is the call's status
    FakeAiScript failing;
    failing.mode = FakeAiMode::kStatus;
    failing.status = 500;
    fake_.SetScript(failing);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + alice.token);
    pb::AiRequest req;
    req.set_sql("SELECT 1");
    auto reader = stub->Explain(&ctx, req);
    pb::AiEvent e;
    while (reader->Read(&e)) {
    }
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(status.error_message(), "the AI provider failed (HTTP 500)");
  }
  {  // a cancelled call aborts the provider request
    FakeAiScript hang;
    hang.mode = FakeAiMode::kHang;
    fake_.SetScript(hang);
    const int before = fake_.disconnects();
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + alice.token);
    pb::AiRequest req;
    req.set_sql("SELECT 1");
    auto reader = stub->Explain(&ctx, req);
    pb::AiEvent e;
    ASSERT_TRUE(reader->Read(&e));
    EXPECT_FALSE(e.delta().empty());
    ctx.TryCancel();
    while (reader->Read(&e)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
    EXPECT_TRUE(fake_.WaitDisconnects(before + 1, std::chrono::seconds(5)));
  }
}

}  // namespace
}  // namespace howler::testing
