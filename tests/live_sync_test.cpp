// Live sync notification (API.md "Live sync") through the real binary, on either backend:
// GET /api/sync/live as a WebSocket (token in the subprotocol or the first message), who
// is told what, the close codes (no, bad, late, expired token; revoked session; caps;
// shutdown), a reader that does not read, and the metrics.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <functional>
#include <thread>

#include "support/api_client.h"
#include "support/sync_client.h"
#include "support/websocket_client.h"

namespace howler::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kPath = "/api/sync/live";

std::string Subprotocol(const std::string& token) {
  return "Sec-WebSocket-Protocol: howlerops.v1, bearer." + token;
}

json::object Message(const std::optional<std::string>& text) {
  if (!text) return {};
  json::value v = json::parse(*text);
  return v.is_object() ? v.as_object() : json::object{};
}

std::string Type(const json::object& m) {
  const auto* t = m.if_contains("type");
  return t && t->is_string() ? std::string(t->as_string()) : "";
}

std::int64_t Int(const json::object& m, std::string_view key) {
  const auto* v = m.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : -1;
}

std::string Str(const json::object& m, std::string_view key) {
  const auto* v = m.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

// The next message that is not a heartbeat.
json::object Next(WebSocketClient& ws) {
  for (;;) {
    json::object m = Message(ws.ReadText());
    if (Type(m) != "heartbeat") return m;
  }
}

double Metric(const ServerProcess& server, const std::string& series) {
  const std::string text = HttpGet(server.metrics_url() + "/metrics").body;
  const std::string needle = "\n" + series + " ";
  const std::size_t at = text.find(needle);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + needle.size()));
}

bool WaitUntil(const std::function<bool()>& done, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

json::array OneChange(const std::string& id) {
  return {Change(id, "saved_query", id, "create", 0,
                 json::object{{"name", "Q " + id}, {"query", "SELECT 1"}})};
}

class LiveSyncTest : public SharedServerTest<LiveSyncTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"SESSION_CACHE_TTL", "1s"},
            {"LIVE_AUTH_TIMEOUT", "1s"},
            {"LIVE_MAX_PER_USER", "3"},
            {"RATE_LIMIT_SYNC_PER_MIN", "100000"},
            {"CORS_ORIGINS", "https://app.example.com"}};
  }

 protected:
  // A socket authenticated with the subprotocol entry, past its hello.
  std::unique_ptr<WebSocketClient> Connect(const std::string& token, json::object* hello = nullptr,
                                           SocketOptions options = {}) {
    auto ws =
        std::make_unique<WebSocketClient>(server().http_port(), std::string(kPath),
                                          std::vector<std::string>{Subprotocol(token)}, options);
    EXPECT_EQ(ws->status(), 101);
    const json::object m = Next(*ws);
    EXPECT_EQ(Type(m), "hello") << json::serialize(m);
    if (hello) *hello = m;
    return ws;
  }
};

TEST_F(LiveSyncTest, HelloCarriesTheStateAndUploadsReachTheUsersOtherDevicesOnly) {
  const TestAccount alice = CreateAccount(api(), "LiveA");
  const TestAccount bob = CreateAccount(api(), "LiveB");
  json::object hello;
  auto desktop = Connect(alice.token, &hello);
  EXPECT_EQ(Int(hello, "seq"), 0);
  EXPECT_EQ(Int(hello, "conflicts"), 0);
  EXPECT_FALSE(Str(hello, "cursor").empty());
  EXPECT_EQ(desktop->head().headers.count("sec-websocket-protocol"), 1u);
  EXPECT_EQ(desktop->head().headers.find("sec-websocket-protocol")->second, "howlerops.v1");

  // The second device authenticates with its first message instead.
  WebSocketClient laptop(server().http_port(), std::string(kPath));
  ASSERT_EQ(laptop.status(), 101);
  ASSERT_TRUE(
      laptop.SendText(json::serialize(json::object{{"type", "auth"}, {"token", alice.token}})));
  EXPECT_EQ(Type(Next(laptop)), "hello");
  auto other_user = Connect(bob.token, nullptr, SocketOptions{0, 1500});

  const ApiResponse up = Upload(api(), alice.token, "phone-1", OneChange("n1"));
  ASSERT_EQ(up.status(), 200) << up;
  for (WebSocketClient* ws : {desktop.get(), &laptop}) {
    const json::object m = Next(*ws);
    EXPECT_EQ(Type(m), "changes") << json::serialize(m);
    EXPECT_EQ(Int(m, "seq"), 1);
    EXPECT_EQ(Int(m, "conflicts"), 0);
    EXPECT_EQ(Str(m, "by_device"), "phone-1");
    EXPECT_EQ(Str(m, "cursor"), up.Str("cursor"));  // where a download should start from
  }
  EXPECT_FALSE(other_user->ReadText().has_value());  // bob hears nothing
  EXPECT_TRUE(other_user->timed_out());

  // The client's heartbeat is answered; a second auth is a protocol error (1008).
  ASSERT_TRUE(desktop->SendText(R"({"type":"ping"})"));
  EXPECT_EQ(Type(Next(*desktop)), "pong");
  ASSERT_TRUE(
      laptop.SendText(json::serialize(json::object{{"type", "auth"}, {"token", alice.token}})));
  EXPECT_TRUE(Next(laptop).empty());
  EXPECT_EQ(laptop.close_code(), 1008);
}

TEST_F(LiveSyncTest, ConflictsAndResolutionsAreToldWithTheirCount) {
  const TestAccount a = CreateAccount(api(), "LiveC");
  ASSERT_EQ(Upload(api(), a.token, "d1", OneChange("q1")).status(), 200);
  auto ws = Connect(a.token);
  // A stale update from another device: a conflict, the sequence does not move.
  const ApiResponse stale =
      Upload(api(), a.token, "d2",
             {Change("c2", "saved_query", "q1", "update", 0, json::object{{"name", "x"}})});
  ASSERT_EQ(stale.status(), 200) << stale;
  ASSERT_EQ(Statuses(stale), std::vector<std::string>{"conflict"});
  json::object m = Next(*ws);
  EXPECT_EQ(Type(m), "changes");
  EXPECT_EQ(Int(m, "seq"), 1);
  EXPECT_EQ(Int(m, "conflicts"), 1);

  const std::string conflict_id = std::string(
      stale.Object().at("results").as_array()[0].as_object().at("conflict_id").as_string());
  const ApiResponse resolved =
      Resolve(api(), a.token, conflict_id, json::object{{"strategy", "last_write_wins"}});
  ASSERT_EQ(resolved.status(), 200) << resolved;
  m = Next(*ws);
  EXPECT_EQ(Type(m), "changes");
  EXPECT_EQ(Int(m, "conflicts"), 0);
  EXPECT_GE(Int(m, "seq"), 1);
}

TEST_F(LiveSyncTest, NoBadOrLateTokensAreRefused) {
  // No upgrade: 401 without a token, 426 with one.
  EXPECT_EQ(api().Call("GET", std::string(kPath)).status(), 401);
  EXPECT_EQ(api()
                .Call("GET", std::string(kPath), std::nullopt, CreateAccount(api(), "LiveU").token)
                .status(),
            426);
  // A bad token at the upgrade: 401 before any WebSocket exists.
  WebSocketClient forged(server().http_port(), std::string(kPath), {Subprotocol("not-a-token")});
  EXPECT_EQ(forged.status(), 401);
  WebSocketClient forged_header(server().http_port(), std::string(kPath),
                                {"Authorization: Bearer not-a-token"});
  EXPECT_EQ(forged_header.status(), 401);
  // A bad token in the first message: 4001.
  WebSocketClient bad(server().http_port(), std::string(kPath));
  ASSERT_EQ(bad.status(), 101);
  ASSERT_TRUE(bad.SendText(R"({"type":"auth","token":"not-a-token"})"));
  EXPECT_FALSE(bad.ReadText().has_value());
  EXPECT_EQ(bad.close_code(), 4001);
  // A ping is answered before authentication too; anything else but auth first: 4001.
  WebSocketClient rude(server().http_port(), std::string(kPath));
  ASSERT_TRUE(rude.SendText(R"({"type":"ping"})"));
  EXPECT_EQ(Type(Next(rude)), "pong");
  ASSERT_TRUE(rude.SendText(R"({"type":"subscribe"})"));
  EXPECT_FALSE(rude.ReadText().has_value());
  EXPECT_EQ(rude.close_code(), 4001);
  // Not JSON: 1008.
  WebSocketClient garbage(server().http_port(), std::string(kPath));
  ASSERT_TRUE(garbage.SendText("hello?"));
  EXPECT_FALSE(garbage.ReadText().has_value());
  EXPECT_EQ(garbage.close_code(), 1008);
  // Silence: closed with 4001 after LIVE_AUTH_TIMEOUT (1 s here).
  const auto start = Clock::now();
  WebSocketClient silent(server().http_port(), std::string(kPath));
  ASSERT_EQ(silent.status(), 101);
  EXPECT_FALSE(silent.ReadText().has_value());
  EXPECT_EQ(silent.close_code(), 4001);
  EXPECT_LT(Clock::now() - start, seconds(8));
  // An origin not in CORS_ORIGINS: 403.
  const TestAccount a = CreateAccount(api(), "LiveO");
  WebSocketClient foreign(server().http_port(), std::string(kPath),
                          {Subprotocol(a.token), "Origin: https://evil.example.com"});
  EXPECT_EQ(foreign.status(), 403);
  WebSocketClient ours(server().http_port(), std::string(kPath),
                       {Subprotocol(a.token), "Origin: https://app.example.com"});
  EXPECT_EQ(ours.status(), 101);
}

TEST_F(LiveSyncTest, ARevokedSessionIsClosedWithinTheSessionCacheTtl) {
  const TestAccount a = CreateAccount(api(), "LiveR");
  const ApiResponse second = api().Login(a.username, a.password, "second");
  ASSERT_EQ(second.status(), 200) << second;
  const std::string token2 = second.Str("token");
  auto keep = Connect(a.token, nullptr, SocketOptions{0, 1500});
  auto doomed = Connect(token2);
  const std::string session2 = std::string(JwtPayload(token2).at("sid").as_string());
  const auto start = Clock::now();
  ASSERT_EQ(api().RevokeSession(a.token, session2).status(), 200);
  EXPECT_TRUE(Next(*doomed).empty());  // the close, no message
  EXPECT_EQ(doomed->close_code(), 4003);
  // SESSION_CACHE_TTL is 1 s; the margin covers a loaded machine.
  EXPECT_LT(Clock::now() - start, seconds(4));
  // The other session's socket stays.
  EXPECT_FALSE(keep->ReadText().has_value());
  EXPECT_TRUE(keep->timed_out());
  EXPECT_FALSE(keep->close_code().has_value());
}

TEST_F(LiveSyncTest, TheUsersConnectionCapClosesTheExtraOneWith4029) {
  const TestAccount a = CreateAccount(api(), "LiveK");
  std::vector<std::unique_ptr<WebSocketClient>> held;
  for (int i = 0; i < 3; ++i) held.push_back(Connect(a.token));
  WebSocketClient extra(server().http_port(), std::string(kPath), {Subprotocol(a.token)});
  ASSERT_EQ(extra.status(), 101);
  EXPECT_FALSE(extra.ReadText().has_value());
  EXPECT_EQ(extra.close_code(), 4029);
  // Another user is not affected, and a closed socket frees its place.
  const TestAccount b = CreateAccount(api(), "LiveK2");
  Connect(b.token);
  ASSERT_TRUE(held[0]->SendClose(1000));
  held[0]->ReadText();
  held.erase(held.begin());
  EXPECT_TRUE(WaitUntil(
      [&] {
        WebSocketClient again(server().http_port(), std::string(kPath), {Subprotocol(a.token)});
        const json::object m = Next(again);
        return Type(m) == "hello";
      },
      seconds(5)));
}

// A reader that reads nothing while 300 uploads happen gets, when it reads, states in
// increasing order ending with the newest: never an error, a close or a backlog it must
// work through (API.md: the server holds one pending state per connection).
TEST_F(LiveSyncTest, ASlowReaderGetsTheNewestStateWithoutBeingClosed) {
  const TestAccount a = CreateAccount(api(), "LiveS");
  auto slow = Connect(a.token, nullptr, SocketOptions{4096, 10000});
  constexpr int kUploads = 300;
  for (int i = 0; i < kUploads; ++i) {
    ASSERT_EQ(Upload(api(), a.token, "writer", OneChange("s" + std::to_string(i))).status(), 200);
  }
  std::int64_t last = 0;
  int messages = 0;
  while (last < kUploads) {
    const json::object m = Next(*slow);
    ASSERT_EQ(Type(m), "changes") << "close code " << slow->close_code().value_or(0);
    EXPECT_GT(Int(m, "seq"), last);
    last = Int(m, "seq");
    ++messages;
  }
  EXPECT_EQ(last, kUploads);
  EXPECT_LE(messages, kUploads);
  EXPECT_FALSE(slow->close_code().has_value());
}

TEST_F(LiveSyncTest, MetricsCountConnectionsMessagesAndReads) {
  const TestAccount a = CreateAccount(api(), "LiveM");
  const double hellos = Metric(server(), R"(sql_studio_live_messages_total{type="hello"})");
  auto ws = Connect(a.token);
  EXPECT_GE(Metric(server(), R"(sql_studio_live_connections{transport="websocket"})"), 1);
  EXPECT_GE(Metric(server(), R"(sql_studio_live_messages_total{type="hello"})"), hellos + 1);
  ASSERT_EQ(Upload(api(), a.token, "d", OneChange("m1")).status(), 200);
  EXPECT_EQ(Type(Next(*ws)), "changes");
  EXPECT_GE(Metric(server(), R"(sql_studio_live_polls_total{kind="local",result="ok"})"), 2);
  const double open = Metric(server(), R"(sql_studio_live_connections{transport="websocket"})");
  ws->SendClose(1000);
  ws->ReadText();
  ws->Close();
  EXPECT_TRUE(WaitUntil(
      [&] {
        return Metric(server(), R"(sql_studio_live_connections{transport="websocket"})") <=
               open - 1;
      },
      seconds(5)));
}

// A server of its own: a 2-second access token.
TEST(LiveSyncExpiryTest, AnExpiredTokenClosesWith4002) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"JWT_EXPIRATION", "2s"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  const TestAccount a = CreateAccount(api, "LiveE");
  WebSocketClient ws(server.http_port(), std::string(kPath), {Subprotocol(a.token)});
  ASSERT_EQ(ws.status(), 101);
  EXPECT_EQ(Type(Next(ws)), "hello");
  const auto hello_at = Clock::now();
  EXPECT_TRUE(Next(ws).empty());  // heartbeats aside, nothing until the close
  EXPECT_EQ(ws.close_code(), 4002);
  // The token lived 2 s (whole seconds, so up to 3 s from its issue); the notifier looks
  // at expiries at least four times a second.
  EXPECT_LT(Clock::now() - hello_at, seconds(4));
  ws.Close();
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

// An operator disables the user (`user disable`, straight on the database): the user's
// sockets are closed with 4003 within SESSION_CACHE_TTL (1 s here, plus a margin).
TEST(LiveSyncDisableTest, ADisabledUsersSocketsAreClosedWith4003) {
  TempDir dir;
  ServerConfig config = AuthServerConfig({{"SESSION_CACHE_TTL", "1s"}});
  const auto env = config.env;
  ServerProcess server(dir.path(), config);
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  const TestAccount victim = CreateAccount(api, "LiveV");
  const TestAccount bystander = CreateAccount(api, "LiveW");
  WebSocketClient ws(server.http_port(), std::string(kPath), {Subprotocol(victim.token)});
  WebSocketClient other(server.http_port(), std::string(kPath), {Subprotocol(bystander.token)},
                        SocketOptions{0, 2000});
  ASSERT_EQ(Type(Next(ws)), "hello");
  ASSERT_EQ(Type(Next(other)), "hello");
  const CommandResult disabled = RunServerCommand(dir.path(), {"user", "disable", victim.username},
                                                  {{"ENVIRONMENT", "test"},
                                                   {"TURSO_URL", server.database_url()},
                                                   {"TURSO_AUTH_TOKEN", "integration-test-token"},
                                                   {"DATA_DIR", (dir.path() / "data").string()},
                                                   {"JWT_SECRET", env.at("JWT_SECRET")}});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.output;
  const auto start = Clock::now();
  EXPECT_TRUE(Next(ws).empty());
  EXPECT_EQ(ws.close_code(), 4003);
  EXPECT_LT(Clock::now() - start, seconds(4));
  EXPECT_TRUE(Next(other).empty());
  EXPECT_FALSE(other.close_code().has_value());  // the bystander stays
  ws.Close();
  other.Close();
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

// The instance caps (LIVE_MAX_CONNECTIONS, LIVE_MAX_PENDING_AUTH): past them, a socket is
// closed with 1013 (try again later), and a freed place is taken again.
TEST(LiveSyncCapTest, TheInstanceCapClosesWith1013) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"LIVE_MAX_CONNECTIONS", "2"},
                                                     {"LIVE_MAX_PENDING_AUTH", "2"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  const TestAccount a = CreateAccount(api, "LiveI");
  const TestAccount b = CreateAccount(api, "LiveJ");
  auto open = [&](const std::string& token) {
    return std::make_unique<WebSocketClient>(server.http_port(), std::string(kPath),
                                             std::vector<std::string>{Subprotocol(token)});
  };
  // Sockets waiting for their auth message have a cap of their own (2 here).
  WebSocketClient silent1(server.http_port(), std::string(kPath));
  WebSocketClient silent2(server.http_port(), std::string(kPath));
  WebSocketClient silent3(server.http_port(), std::string(kPath));
  EXPECT_TRUE(Next(silent3).empty());
  EXPECT_EQ(silent3.close_code(), 1013);
  silent3.Close();
  ASSERT_TRUE(
      silent1.SendText(json::serialize(json::object{{"type", "auth"}, {"token", a.token}})));
  EXPECT_EQ(Type(Next(silent1)), "hello");  // authenticated: its pending place is free
  WebSocketClient silent4(server.http_port(), std::string(kPath));
  ASSERT_TRUE(
      silent4.SendText(json::serialize(json::object{{"type", "auth"}, {"token", b.token}})));
  EXPECT_EQ(Type(Next(silent4)), "hello");
  silent1.Close();
  silent2.Close();
  silent4.Close();
  EXPECT_TRUE(WaitUntil(
      [&] { return Metric(server, R"(sql_studio_live_connections{transport="websocket"})") == 0; },
      seconds(5)));

  auto first = open(a.token);
  auto second = open(b.token);
  EXPECT_EQ(Type(Next(*first)), "hello");
  EXPECT_EQ(Type(Next(*second)), "hello");
  auto third = open(b.token);
  EXPECT_TRUE(Next(*third).empty());
  EXPECT_EQ(third->close_code(), 1013);
  first->Close();
  EXPECT_TRUE(WaitUntil([&] { return Type(Next(*open(b.token))) == "hello"; }, seconds(5)));
  second->Close();
  third->Close();
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

// Shutdown with open sockets: each is closed with 1001 at once and the server exits
// cleanly, well within SHUTDOWN_TIMEOUT.
TEST(LiveSyncShutdownTest, OpenSocketsGetGoingAwayAndTheServerExits) {
  TempDir dir;
  ServerProcess server(dir.path(), AuthServerConfig({{"SHUTDOWN_TIMEOUT", "20s"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  const TestAccount a = CreateAccount(api, "LiveD");
  std::vector<std::unique_ptr<WebSocketClient>> sockets;
  for (int i = 0; i < 3; ++i) {
    sockets.push_back(std::make_unique<WebSocketClient>(
        server.http_port(), std::string(kPath), std::vector<std::string>{Subprotocol(a.token)}));
    ASSERT_EQ(Type(Next(*sockets.back())), "hello");
  }
  WebSocketClient unauthenticated(server.http_port(), std::string(kPath));
  ASSERT_EQ(unauthenticated.status(), 101);
  const auto start = Clock::now();
  server.SendSignal(SIGTERM);
  // Each client answers the close frame and then closes its TCP side, as clients do (the
  // server waits for that end of the closing handshake).
  for (auto& ws : sockets) {
    EXPECT_TRUE(Next(*ws).empty());
    EXPECT_EQ(ws->close_code(), 1001);
    ws->Close();
  }
  EXPECT_FALSE(unauthenticated.ReadText().has_value());
  EXPECT_EQ(unauthenticated.close_code(), 1001) << server.Output();
  unauthenticated.Close();
  EXPECT_EQ(server.WaitExit(seconds(15)), 0) << server.Output();
  EXPECT_LT(Clock::now() - start, seconds(10));
}

}  // namespace
}  // namespace howler::testing
