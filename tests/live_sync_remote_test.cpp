// Live sync across instances (API.md "Live sync"): two servers on one local tursodb. An
// upload on A reaches a listener on B within LIVE_POLL_INTERVAL plus a margin; B reads
// the state of all its listeners' users in one query per interval, however many; a
// restart of the remote database leaves the listeners open and they are told again
// once it is back.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "storage/libsql/tursodb_process.h"
#include "support/api_client.h"
#include "support/sync_client.h"
#include "support/websocket_client.h"

namespace howler::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kPath = "/api/sync/live";

json::object Next(WebSocketClient& ws) {
  for (;;) {
    const auto text = ws.ReadText();
    if (!text) return {};
    json::value v = json::parse(*text);
    if (!v.is_object()) return {};
    if (v.as_object().at("type").as_string() != "heartbeat") return v.as_object();
  }
}

double Metric(const ServerProcess& server, const std::string& series) {
  const std::string text = HttpGet(server.metrics_url() + "/metrics").body;
  const std::string needle = "\n" + series + " ";
  const std::size_t at = text.find(needle);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + needle.size()));
}

json::array OneChange(const std::string& id) {
  return {Change(id, "saved_query", id, "create", 0, json::object{{"name", "Q " + id}})};
}

std::unique_ptr<WebSocketClient> Listen(const ServerProcess& server, const std::string& token,
                                        int read_timeout_ms = 10000) {
  auto ws = std::make_unique<WebSocketClient>(
      server.http_port(), std::string(kPath),
      std::vector<std::string>{"Sec-WebSocket-Protocol: howlerops.v1, bearer." + token},
      SocketOptions{0, read_timeout_ms});
  EXPECT_EQ(ws->status(), 101);
  EXPECT_EQ(Next(*ws).at("type").as_string(), "hello");
  return ws;
}

class LiveSyncRemoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = storage::TursodbProcess::FindBinary();
    if (!binary_) FAIL() << "tursodb is not installed (run scripts/setup.sh)";
    StartRemote(std::nullopt);
    ASSERT_NE(remote_, nullptr);
    a_ = std::make_unique<ServerProcess>(dir_.path() / "a", Config());
    b_ = std::make_unique<ServerProcess>(dir_.path() / "b", Config());
    ASSERT_TRUE(a_->ready()) << a_->Output();
    ASSERT_TRUE(b_->ready()) << b_->Output();
  }
  void TearDown() override {
    if (HasFailure() && b_) {
      const std::string log = b_->Output();
      std::cerr << "--- B log (end) ---\n" << log.substr(log.size() > 5000 ? log.size() - 5000 : 0);
    }
  }

  ServerConfig Config() {
    fs::create_directories(dir_.path() / "a");
    fs::create_directories(dir_.path() / "b");
    return AuthServerConfig({{"TURSO_URL", remote_->url()},
                             {"TURSO_AUTH_TOKEN", "live-test"},
                             {"TURSO_CONNECT_TIMEOUT", "1s"},
                             {"TURSO_REQUEST_TIMEOUT", "2s"},
                             {"LIVE_POLL_INTERVAL", "500ms"},
                             {"SYNC_DEVICE_FLUSH_INTERVAL", "1h"},
                             {"RATE_LIMIT_SYNC_PER_MIN", "100000"}});
  }
  void StartRemote(std::optional<int> port) {
    auto started = storage::TursodbProcess::Start(*binary_, dir_.path() / "remote.db", port);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    remote_ = std::move(started).value();
  }

  TempDir dir_;
  std::optional<fs::path> binary_;
  std::unique_ptr<storage::TursodbProcess> remote_;
  std::unique_ptr<ServerProcess> a_, b_;
};

TEST_F(LiveSyncRemoteTest, AnUploadOnAReachesAListenerOnBWithinThePollInterval) {
  ApiClient api_a(a_->base_url());
  const TestAccount alice = CreateAccount(api_a, "LiveX");
  const TestAccount bob = CreateAccount(api_a, "LiveY");
  auto on_b = Listen(*b_, alice.token);
  auto bob_on_b = Listen(*b_, bob.token, 1500);
  for (int i = 1; i <= 3; ++i) {
    const ApiResponse up = Upload(api_a, alice.token, "desk-a", OneChange("x" + std::to_string(i)));
    ASSERT_EQ(up.status(), 200) << up;
    const auto answered = Clock::now();
    const json::object m = Next(*on_b);
    const auto latency = Clock::now() - answered;
    ASSERT_EQ(m.at("type").as_string(), "changes") << json::serialize(m);
    EXPECT_EQ(m.at("seq").as_int64(), i);
    EXPECT_EQ(m.at("by_device").as_string(), "desk-a");  // the writer, read from the item
    EXPECT_EQ(m.at("cursor").as_string(), up.Str("cursor"));
    // LIVE_POLL_INTERVAL is 500 ms; 2 s of margin for a loaded machine.
    EXPECT_LT(latency, milliseconds(500) + seconds(2));
  }
  EXPECT_TRUE(Next(*bob_on_b).empty());
  EXPECT_TRUE(bob_on_b->timed_out());
}

// Forty listeners of twenty users on B: B's state reads stay one per interval.
TEST_F(LiveSyncRemoteTest, ListenersCostOneStateReadPerIntervalWhateverTheirNumber) {
  ApiClient api_b(b_->base_url());
  std::vector<std::unique_ptr<WebSocketClient>> sockets;
  for (int u = 0; u < 20; ++u) {
    const TestAccount acc = CreateAccount(api_b, "LiveP");
    sockets.push_back(Listen(*b_, acc.token));
    sockets.push_back(Listen(*b_, acc.token));
  }
  const std::string polls = R"(sql_studio_live_polls_total{kind="poll",result="ok"})";
  const double polls_before = Metric(*b_, polls);
  const double trips_before = Metric(*b_, R"(sql_studio_db_roundtrips_total{op="query"})");
  const auto start = Clock::now();
  std::this_thread::sleep_for(seconds(3));
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double polls_made = Metric(*b_, polls) - polls_before;
  const double trips = Metric(*b_, R"(sql_studio_db_roundtrips_total{op="query"})") - trips_before;
  // One poll per 500 ms, give or take one at each end of the window.
  EXPECT_GE(polls_made, elapsed / 0.5 - 2);
  EXPECT_LE(polls_made, elapsed / 0.5 + 2);
  // The reads B made in the window: the polls, a session check or two, nothing per socket.
  EXPECT_LE(trips, polls_made + 3) << "round trips " << trips << ", polls " << polls_made;
}

TEST_F(LiveSyncRemoteTest, ListenersSurviveARestartOfTheRemoteDatabase) {
  ApiClient api_a(a_->base_url());
  const TestAccount alice = CreateAccount(api_a, "LiveZ");
  auto on_b = Listen(*b_, alice.token, 15000);
  const int port = remote_->port();
  remote_.reset();  // stopped: B's polls fail
  std::this_thread::sleep_for(seconds(2));
  EXPECT_GE(Metric(*b_, R"(sql_studio_live_polls_total{kind="poll",result="error"})"), 1);
  StartRemote(port);
  ASSERT_NE(remote_, nullptr);
  const auto restarted = Clock::now();
  // A's first calls after the restart may still fail while its connections recover.
  ApiResponse up;
  for (int i = 0; i < 20; ++i) {
    up = Upload(api_a, alice.token, "desk-a", OneChange("z" + std::to_string(i)));
    if (up.status() == 200) break;
    std::this_thread::sleep_for(milliseconds(250));
  }
  ASSERT_EQ(up.status(), 200) << up;
  const json::object m = Next(*on_b);
  // Told within the poll interval plus a margin of the write.
  EXPECT_LT(Clock::now() - restarted, seconds(5));
  ASSERT_EQ(m.at("type").as_string(), "changes") << "close " << on_b->close_code().value_or(0);
  EXPECT_GE(m.at("seq").as_int64(), 1);
  EXPECT_FALSE(on_b->close_code().has_value());
}

}  // namespace
}  // namespace howler::testing
