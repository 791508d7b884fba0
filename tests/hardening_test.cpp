// Regression tests for the findings of the adversarial review (identifiers and text that
// are not valid UTF-8, metric label cardinality, client details, password-reset timing and
// throttling, request framing, file modes, accept errors), through the real binary on
// either backend (HOWLER_TEST_BACKEND).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "storage/database.h"
#include "storage/libsql/tursodb_process.h"
#include "support/api_client.h"
#include "support/fault_proxy.h"
#include "support/raw_connection.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {

namespace json = boost::json;

bool IsJsonText(const std::string& body) {
  boost::system::error_code ec;
  json::parse(body, ec);  // Boost.JSON refuses invalid UTF-8
  return !ec;
}

class HardeningTest : public SharedServerTest<HardeningTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"TRUSTED_PROXIES", "127.0.0.1"}, {"SYNC_DEVICE_FLUSH_INTERVAL", "100ms"}};
  }
};

TEST_F(HardeningTest, IdentifiersThatAreNotCleanTextAre400NamingTheField) {
  const TestAccount a = CreateAccount(api(), "Utf");
  const TestAccount b = CreateAccount(api(), "Utf");
  for (const std::string device : {"%ff%fe", "a%c3", "%ed%a0%80", "dev%0Aice", "%00"}) {
    SCOPED_TRACE(device);
    EXPECT_TRUE(IsApiError(Download(api(), a.token, device), 400, "INVALID_REQUEST", "device_id"));
  }
  const ApiResponse control = Upload(api(), a.token, "dev\x01", json::array{});
  EXPECT_TRUE(IsApiError(control, 400, "INVALID_REQUEST", "device_id")) << control;

  const json::object data{{"name", "n"}, {"query", "SELECT 1"}};
  const ApiResponse bad_item =
      Upload(api(), a.token, "laptop", {Change("c1", "saved_query", "q\n1", "create", 0, data)});
  ASSERT_EQ(bad_item.status(), 200) << bad_item;
  EXPECT_EQ(Statuses(bad_item), std::vector<std::string>{"rejected"});

  const ApiResponse raw = api().Raw("POST", "/api/sync/upload",
                                    {BearerHeader(a.token), "Content-Type: application/json"},
                                    "{\"device_id\":\"\xff\",\"changes\":[]}");
  EXPECT_TRUE(IsApiError(raw, 400, "INVALID_REQUEST")) << raw;

  // Nothing of it reached shared state: both users' device lists stay whole and valid.
  ASSERT_EQ(Download(api(), a.token, "caf%C3%A9").status(), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a flush or two
  for (const TestAccount* who : {&a, &b}) {
    const ApiResponse devices = api().Call("GET", "/api/sync/devices", std::nullopt, who->token);
    ASSERT_EQ(devices.status(), 200) << devices;
    EXPECT_TRUE(IsJsonText(devices.http.body)) << devices.http.body;
  }
  const ApiResponse mine = api().Call("GET", "/api/sync/devices", std::nullopt, a.token);
  EXPECT_NE(mine.http.body.find("caf\xC3\xA9"), std::string::npos) << mine;
}

TEST_F(HardeningTest, InvalidUserAgentStillCountsFailuresAndIsStoredAsValidText) {
  const TestAccount a = CreateAccount(api(), "Ua");
  // Bytes >= 0x80 are legal header bytes (obs-text); as UTF-8 they are not valid here.
  const std::vector<std::string> bad_agent = {"User-Agent: evil\xff\xfe agent"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(IsApiError(api().Login(a.username, "wrong password", std::nullopt, bad_agent), 401,
                           "UNAUTHORIZED"))
        << i;
  }
  EXPECT_TRUE(IsApiError(api().Login(a.username, a.password, std::nullopt, bad_agent), 429,
                         "ACCOUNT_LOCKED"));

  const TestAccount b = CreateAccount(api(), "Ua");
  const ApiResponse login = api().Login(b.username, b.password, "dev\x7f", bad_agent);
  ASSERT_EQ(login.status(), 200) << login;
  const ApiResponse sessions = api().Sessions(login.Str("token"));
  ASSERT_EQ(sessions.status(), 200) << sessions;
  EXPECT_TRUE(IsJsonText(sessions.http.body));
  EXPECT_NE(sessions.http.body.find("evil\xEF\xBF\xBD\xEF\xBF\xBD agent"), std::string::npos)
      << sessions.http.body;
}

TEST_F(HardeningTest, InventedMethodsAndPathsDoNotGrowMetrics) {
  std::mt19937 random(7);
  for (int i = 0; i < 300; ++i) {
    RawConnection c(server().http_port());
    ASSERT_TRUE(c.connected());
    const std::string method = "M" + std::to_string(random()) + std::string(40, 'X');
    const std::string path = "/p" + std::to_string(random());
    c.Send(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(c.ReadAll().rfind("HTTP/1.1 4", 0), std::string::npos);
  }
  const std::string metrics = HttpGet(server().metrics_url() + "/metrics").body;
  std::set<std::string> methods;
  // The HTTP families only: auth_attempts_total has a `method` label of its own (password).
  const std::regex label("sql_studio_http_[a-z_]*\\{[^}]*method=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(metrics.begin(), metrics.end(), label);
       it != std::sregex_iterator(); ++it) {
    methods.insert((*it)[1]);
  }
  const std::set<std::string> known = {"GET",    "HEAD",    "POST",    "PUT",   "PATCH",
                                       "DELETE", "OPTIONS", "CONNECT", "TRACE", "OTHER"};
  for (const std::string& m : methods) {
    if (m.find('/') != std::string::npos) continue;  // gRPC method names
    EXPECT_TRUE(known.count(m)) << m;
  }
  EXPECT_TRUE(methods.count("OTHER"));
  EXPECT_EQ(metrics.find("XXXXXXXX"), std::string::npos);
  EXPECT_EQ(metrics.find("/p"), std::string::npos);
  EXPECT_EQ(server().Output().find("XXXXXXXX"), std::string::npos) << "access log";
}

TEST_F(HardeningTest, TransferEncodingOtherThanChunkedIs400AndCloses) {
  for (const std::string te : {"chunked, identity", "xchunked", "identity", "gzip, chunked"}) {
    SCOPED_TRACE(te);
    RawConnection c(server().http_port());
    ASSERT_TRUE(c.connected());
    const std::string smuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    c.Send(
        "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: " +
        te + "\r\n\r\n" + smuggled);
    const std::string reply = c.ReadAll();
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
    EXPECT_EQ(reply.find("HTTP/1.1", 1), std::string::npos) << "one answer, then close";
  }
}

TEST_F(HardeningTest, ResetEmailsToOneAccountAreThrottledAcrossAddresses) {
  const TestAccount a = CreateAccount(api(), "Thr");
  for (int i = 0; i < 5; ++i) {
    const std::string from = "X-Forwarded-For: 203.0.113." + std::to_string(i + 1);
    const ApiResponse r = api().Call("POST", "/api/auth/request-password-reset",
                                     json::value{{"email", a.email}}, "", {from});
    EXPECT_EQ(r.status(), 200) << r;
  }
  const auto db = OpenServerDatabase(server());
  ASSERT_NE(db, nullptr);
  const storage::Statement count = {"SELECT count(*) FROM password_reset_tokens WHERE user_id = ?",
                                    {a.user_id}};
  std::int64_t tokens = 0;
  for (int i = 0; i < 200 && tokens == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto rows = db->Query(count);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    tokens = storage::AsInt(rows->rows.at(0).at(0));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the rest settle
  auto rows = db->Query(count);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(storage::AsInt(rows->rows.at(0).at(0)), 1) << "one reset email per interval";
}

// The answer to a reset request does not wait for the database: with every database
// write held (the embedded file's write lock taken here, or a remote database whose
// answers are held back), it still comes at once, for a known and an unknown address.
TEST(HardeningOwnServerTest, ResetRequestAnswersWithoutWaitingForTheDatabase) {
  TempDir dir;
  std::unique_ptr<storage::TursodbProcess> remote;
  std::unique_ptr<FaultProxy> proxy;
  ServerConfig config = AuthServerConfig({{"SQLITE_BUSY_TIMEOUT", "60s"}});
  if (TestBackendIsLibsql()) {
    auto binary = storage::TursodbProcess::FindBinary();
    ASSERT_TRUE(binary) << "tursodb is not installed (run scripts/setup.sh)";
    auto started = storage::TursodbProcess::Start(*binary, dir.path() / "remote.db");
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    remote = std::move(started).value();
    proxy = FaultProxy::Start(static_cast<std::uint16_t>(remote->port()));
    ASSERT_NE(proxy, nullptr);
    config.env["TURSO_URL"] = proxy->url();
    config.env["TURSO_AUTH_TOKEN"] = "integration-test-token";
    config.env["TURSO_REQUEST_TIMEOUT"] = "60s";
  }
  ServerProcess server(dir.path(), config);
  ASSERT_TRUE(server.ready());
  const ApiClient api(server.base_url());
  const TestAccount a = CreateAccount(api, "Rst");

  sqlite3* lock = nullptr;
  if (proxy) {
    proxy->set_delay(std::chrono::seconds(60));
    proxy->set_mode(FaultProxy::Mode::kDelay);
  } else {
    const std::string path = server.database_files().at(0).string();
    ASSERT_EQ(sqlite3_open(path.c_str(), &lock), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  for (const std::string& email : {a.email, std::string("nobody-here@example.com")}) {
    SCOPED_TRACE(email);
    const HttpResult r =
        HttpRequest("POST", server.base_url() + "/api/auth/request-password-reset",
                    {"Content-Type: application/json"}, "{\"email\":\"" + email + "\"}", 10000);
    EXPECT_EQ(r.status, 200) << r.error << r.body;
  }
  if (lock != nullptr) {
    sqlite3_exec(lock, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(lock);
  }
  proxy.reset();  // ends the held answers, so the server stops without waiting for them
}

TEST(HardeningOwnServerTest, EmbeddedDatabaseFilesAreOwnerOnly) {
  TempDir dir;
  ServerConfig config =
      AuthServerConfig({{"TURSO_URL", "file:" + (dir.path() / "data" / "owner.db").string()}});
  ServerProcess server(dir.path(), config);
  ASSERT_TRUE(server.ready());
  CreateAccount(ApiClient(server.base_url()), "Mode");
  for (const std::string suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    const std::string path = (dir.path() / "data" / "owner.db").string() + suffix;
    ASSERT_EQ(stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path;
  }
}

// CPU seconds (user + system) the process has used, from /proc.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
  long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string SoftFileLimit(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) == 0) {
      std::istringstream words(line.substr(14));
      std::string soft;
      words >> soft;
      return soft;
    }
  }
  return "";
}

// Out of descriptors, the accept loop backs off instead of spinning, and accepts again
// once descriptors are free; the soft descriptor limit is raised to the hard one.
TEST(HardeningOwnServerTest, RunningOutOfDescriptorsDoesNotSpinTheAcceptLoop) {
  TempDir dir;
  ServerConfig config = AuthServerConfig(
      {{"TURSO_URL", "file:" + (dir.path() / "data" / "fd.db").string()}, {"LOG_LEVEL", "error"}});
  config.file_limit = std::make_pair(32, 96);
  ServerProcess server(dir.path(), config);
  ASSERT_TRUE(server.ready()) << server.Output();
  EXPECT_EQ(SoftFileLimit(server.pid()), "96");

  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 120; ++i) held.push_back(std::make_unique<RawConnection>(server.http_port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double before = CpuSeconds(server.pid());
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double used = CpuSeconds(server.pid()) - before;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(used / elapsed, 0.25) << "a spinning accept loop uses a whole core";
  held.clear();
  bool healthy = false;
  for (int i = 0; i < 100 && !healthy; ++i) {
    healthy = HttpGet(server.base_url() + "/health").status == 200;
    if (!healthy) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(healthy) << "accepting again once descriptors are free";
}

}  // namespace
}  // namespace howler::testing
