// Faults of the remote database, through the real binary and a real local tursodb: the
// remote stopped, slow, answering 500 with a text body, or cutting its answer short (a
// FaultProxy between server and tursodb injects the last three). In each the server
// keeps running, /health answers 503 with the failing database check, API requests
// answer 503 UNAVAILABLE with Retry-After and the fixed message "database is
// unavailable" (the cause goes to the log with the request id), and it recovers when the
// remote does. Across
// the faults no acknowledged write is lost and none is applied twice: every signup
// answered 201 exists once afterwards, every other one once or not at all. Also: two
// servers starting at once against one fresh database apply each migration once, and
// the db_* metrics and gRPC health reflect the remote backend. Skipped when tursodb is
// not installed.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "howlerops/v1/auth.grpc.pb.h"
#include "storage/libsql/libsql_database.h"
#include "storage/libsql/tursodb_process.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"
#include "support/api_client.h"
#include "support/fault_proxy.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace howler::testing {

// Names the truncation modes in test output (found by argument-dependent lookup).
void PrintTo(FaultProxy::Mode mode, std::ostream* out) {
  *out << (mode == FaultProxy::Mode::kTruncate ? "kTruncate" : "kTruncateUnframed");
}

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;
using grpc::health::v1::HealthCheckResponse;

constexpr auto kPollInterval = milliseconds(100);

// Polls `condition` every 100 ms until it holds or `budget` runs out; its last answer.
bool Eventually(const std::function<bool()>& condition, seconds budget = seconds(15)) {
  const auto deadline = Clock::now() + budget;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
  return true;
}

// A local tursodb serving one database file, which a test may stop and start again on
// the same port (the server's TURSO_URL stays valid). The destructor stops it.
class RemoteDatabase {
 public:
  RemoteDatabase(fs::path binary, fs::path file)
      : binary_(std::move(binary)), file_(std::move(file)) {
    Start(std::nullopt);
  }
  bool running() const { return process_ != nullptr; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void Stop() { process_.reset(); }
  bool Restart() { return Start(port_); }

  // A client of its own, straight to tursodb (not through a server or proxy).
  Result<std::unique_ptr<storage::Database>> Connect() const {
    return storage::OpenLibsqlDatabase({.url = url(), .auth_token = "fault-test"});
  }

 private:
  bool Start(std::optional<int> port) {
    auto started = storage::TursodbProcess::Start(binary_, file_, port);
    if (!started.ok()) {
      ADD_FAILURE() << "tursodb: " << started.status().ToString();
      return false;
    }
    process_ = std::move(started).value();
    port_ = process_->port();
    return true;
  }

  fs::path binary_;
  fs::path file_;
  std::unique_ptr<storage::TursodbProcess> process_;
  int port_ = 0;
};

// Server settings for these tests: the remote at `url`, short remote timeouts.
ServerConfig RemoteServerConfig(const std::string& url,
                                std::map<std::string, std::string> env = {}) {
  env.try_emplace("TURSO_URL", url);
  env.try_emplace("TURSO_AUTH_TOKEN", "fault-test-token");
  env.try_emplace("TURSO_CONNECT_TIMEOUT", "1s");
  env.try_emplace("TURSO_REQUEST_TIMEOUT", "2s");
  return AuthServerConfig(env);
}

long HealthStatus(const ServerProcess& server) {
  return HttpGet(server.base_url() + "/health").status;
}

// grpc.health.v1 Check of the whole server; UNKNOWN when the call itself fails.
HealthCheckResponse::ServingStatus GrpcHealth(const ServerProcess& server) {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  HealthCheckResponse response;
  if (!stub->Check(&ctx, request, &response).ok()) return HealthCheckResponse::UNKNOWN;
  return response.status();
}

// "Threads:" of /proc/<pid>/status, or -1.
int ThreadCount(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

std::string Metrics(const ServerProcess& server) {
  return HttpGet(server.metrics_url() + "/metrics").body;
}

// What a client is told when the remote database fails, whatever the failure.
constexpr std::string_view kUnavailableMessage = "database is unavailable";

// A client-visible message that names nothing internal: no SQL, address, URL path,
// token, or libcurl's or the remote's own words.
::testing::AssertionResult RevealsNothing(const std::string& message) {
  for (const char* leak : {"SELECT", "INSERT", "127.0.0.1", "pipeline", "token", "curl", "onnect",
                           "HTTP", "timed out", "Timeout", "partial"}) {
    if (message.find(leak) != std::string::npos) {
      return ::testing::AssertionFailure() << "message reveals '" << leak << "': " << message;
    }
  }
  return ::testing::AssertionSuccess();
}

// 503 UNAVAILABLE with a positive Retry-After and the fixed message.
::testing::AssertionResult IsUnavailable(const ApiResponse& response) {
  ::testing::AssertionResult shape = IsApiError(response, 503, "UNAVAILABLE");
  if (!shape) return shape;
  const std::string retry = response.Header("retry-after");
  if (retry.empty() || std::atoi(retry.c_str()) <= 0) {
    return ::testing::AssertionFailure() << "503 without a Retry-After: " << response;
  }
  const std::string message = response.Str("message");
  if (message != kUnavailableMessage) {
    return ::testing::AssertionFailure() << "not the fixed message: " << message;
  }
  return RevealsNothing(message);
}

// Whether one line of `log` names `request_id` and holds every one of `parts`.
bool LogLineHas(const std::string& log, const std::string& request_id,
                std::initializer_list<std::string> parts) {
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(request_id) == std::string::npos) continue;
    if (std::all_of(parts.begin(), parts.end(),
                    [&](const std::string& p) { return line.find(p) != std::string::npos; })) {
      return true;
    }
  }
  return false;
}

// The string at `path` in a JSON text, or "" when absent.
std::string StringAt(const std::string& text, std::initializer_list<std::string_view> path) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  const boost::json::value* at = ec ? nullptr : &value;
  for (std::string_view key : path) {
    at = at && at->is_object() ? at->as_object().if_contains(key) : nullptr;
  }
  return at && at->is_string() ? std::string(at->as_string()) : std::string();
}

// /health answering 503 "unhealthy" with the database check failing, and Retry-After.
::testing::AssertionResult IsUnhealthy(const HttpResult& health) {
  if (health.status != 503 || StringAt(health.body, {"status"}) != "unhealthy" ||
      StringAt(health.body, {"checks", "database", "status"}) != "error" ||
      health.Header("retry-after").empty()) {
    return ::testing::AssertionFailure()
           << "expected 503 unhealthy, got " << health.status << " " << health.body;
  }
  return ::testing::AssertionSuccess();
}

// The one number a counting query `sql` with one parameter answers, or -1 (and a failure).
int CountOf(storage::Database& db, const std::string& sql, const std::string& param) {
  auto rows = db.Query({sql, {param}});
  if (!rows.ok() || rows->rows.size() != 1) {
    ADD_FAILURE() << sql << ": " << rows.status().ToString();
    return -1;
  }
  return static_cast<int>(storage::AsInt(rows->rows[0][0]));
}

// The signups a test made and what the server answered; Verify() checks, once the
// remote is back, that no acknowledged signup was lost and none applied twice.
// Thread-safe.
class SignupLedger {
 public:
  explicit SignupLedger(const ApiClient& api) : api_(api) {}

  // Signs up a fresh account; the response, recorded.
  ApiResponse Signup(std::string_view prefix) {
    Entry entry{UniqueName(prefix), {}, 0};
    entry.email = ToLower(entry.username) + "@example.com";
    ApiResponse response = api_.Signup(entry.username, entry.email, std::string(kTestPassword));
    entry.status = response.status();
    std::lock_guard lock(mu_);
    entries_.push_back(std::move(entry));
    return response;
  }

  // Every answer was 201 or 503. A 201 account exists once and can log in; any other
  // exists at most once, and if it exists it is whole (it can log in). Each existing
  // account has one signup event: its batch ran once. `rows_of_failed`, when given,
  // receives the number of failed signups whose account exists.
  void Verify(storage::Database& db, int* rows_of_failed = nullptr) const {
    std::lock_guard lock(mu_);
    int existing_failed = 0;
    for (const Entry& e : entries_) {
      SCOPED_TRACE(e.username + " answered " + std::to_string(e.status));
      EXPECT_TRUE(e.status == 201 || e.status == 503);
      const int users = CountOf(db, "SELECT COUNT(*) FROM users WHERE email = ?", e.email);
      const int events = CountOf(db,
                                 "SELECT COUNT(*) FROM auth_events WHERE event = 'signup' AND "
                                 "user_id = (SELECT id FROM users WHERE email = ?)",
                                 e.email);
      EXPECT_EQ(users, events);
      EXPECT_LE(users, 1);
      if (e.status == 201) EXPECT_EQ(users, 1) << "an acknowledged signup was lost";
      if (users == 1) EXPECT_EQ(api_.Login(e.username, std::string(kTestPassword)).status(), 200);
      if (users == 1 && e.status != 201) ++existing_failed;
    }
    if (rows_of_failed != nullptr) *rows_of_failed = existing_failed;
  }

 private:
  struct Entry {
    std::string username;
    std::string email;
    long status;
  };

  static std::string ToLower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  const ApiClient& api_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
};

class RemoteFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = storage::TursodbProcess::FindBinary();
    if (!binary_) FAIL() << "tursodb is not installed (run scripts/setup.sh)";
    remote_ = std::make_unique<RemoteDatabase>(*binary_, dir_.path() / "remote.db");
    ASSERT_TRUE(remote_->running());
  }

  // Waits until the server's /health is 200 again, then checks the ledger.
  void ExpectRecovery(const ServerProcess& server, const SignupLedger& ledger,
                      int* rows_of_failed = nullptr) {
    ASSERT_TRUE(Eventually([&] { return HealthStatus(server) == 200; })) << server.Output();
    auto db = remote_->Connect();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ledger.Verify(**db, rows_of_failed);
  }

  TempDir dir_;
  std::optional<fs::path> binary_;
  std::unique_ptr<RemoteDatabase> remote_;
};

TEST_F(RemoteFaultTest, StoppedRemoteAnswers503WithRetryAfterAndRecovers) {
  ServerProcess server(dir_.path(), RemoteServerConfig(remote_->url()));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  SignupLedger ledger(api);
  const std::string before = UniqueName("before");
  ASSERT_EQ(api.Signup(before, before + "@example.com", std::string(kTestPassword)).status(), 201);
  ASSERT_EQ(GrpcHealth(server), HealthCheckResponse::SERVING);

  remote_->Stop();
  EXPECT_TRUE(IsUnhealthy(HttpGet(server.base_url() + "/health")));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(IsUnavailable(ledger.Signup("down")));
  EXPECT_TRUE(IsUnavailable(api.Login(before, std::string(kTestPassword))));
  EXPECT_TRUE(Eventually([&] { return GrpcHealth(server) == HealthCheckResponse::NOT_SERVING; },
                         seconds(10)));
  EXPECT_NE(
      Metrics(server).find(R"(sql_studio_db_errors_total{backend="libsql",kind="UNAVAILABLE"})"),
      std::string::npos);

  ASSERT_TRUE(remote_->Restart());
  ExpectRecovery(server, ledger);
  EXPECT_TRUE(
      Eventually([&] { return GrpcHealth(server) == HealthCheckResponse::SERVING; }, seconds(10)));
  EXPECT_EQ(api.Login(before, std::string(kTestPassword)).status(), 200);
  EXPECT_EQ(ledger.Signup("after").status(), 201);
  EXPECT_EQ(server.Stop(), 0) << server.Output();  // a clean exit: nothing crashed
}

// The remote stopped: over HTTP and gRPC the client hears only "database is unavailable"
// (libcurl's text and the remote's URL are not in it), and the server's log line for that
// request, found by its request id, holds both.
TEST_F(RemoteFaultTest, ClientsHearAFixedMessageAndOnlyTheLogNamesTheCause) {
  ServerProcess server(dir_.path(), RemoteServerConfig(remote_->url()));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  remote_->Stop();

  const std::string name = UniqueName("fixed");
  const ApiResponse http = api.Signup(name, name + "@example.com", std::string(kTestPassword),
                                      {"X-Request-Id: remote-fault-http-1"});
  EXPECT_TRUE(IsUnavailable(http));
  EXPECT_EQ(http.Str("message").find(remote_->url()), std::string::npos);

  auto stub = ::howlerops::v1::AuthService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(30));
  ctx.AddMetadata("x-request-id", "remote-fault-grpc-1");
  ::howlerops::v1::SignupRequest request;
  request.set_username(name + "g");
  request.set_email(name + "g@example.com");
  request.set_password(std::string(kTestPassword));
  ::howlerops::v1::TokenPair reply;
  const grpc::Status grpc_status = stub->Signup(&ctx, request, &reply);
  EXPECT_EQ(grpc_status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(grpc_status.error_message(), kUnavailableMessage);
  EXPECT_TRUE(RevealsNothing(grpc_status.error_message()));

  for (const char* id : {"remote-fault-http-1", "remote-fault-grpc-1"}) {
    EXPECT_TRUE(Eventually(
        [&] {
          return LogLineHas(server.Output(), id, {"libcurl", remote_->url()});
        },
        seconds(5)))
        << id << " has no log line with the cause:\n"
        << server.Output();
  }
  ASSERT_TRUE(remote_->Restart());
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

// With TURSO_REQUEST_TIMEOUT=500ms and a remote that answers 3 s late, requests fail with
// 503 well within 10x the timeout, and the server's threads do not grow with the number
// of timed-out requests (a thread per stuck call would add 18 here).
TEST_F(RemoteFaultTest, SlowRemoteTimesOutAndLeaksNoThreads) {
  auto proxy = FaultProxy::Start(static_cast<std::uint16_t>(remote_->port()));
  ASSERT_NE(proxy, nullptr);
  ServerProcess server(dir_.path(),
                       RemoteServerConfig(proxy->url(), {{"TURSO_REQUEST_TIMEOUT", "500ms"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  SignupLedger ledger(api);
  ASSERT_EQ(ledger.Signup("fast").status(), 201);
  const int threads_before = ThreadCount(server.pid());

  proxy->set_delay(seconds(3));
  proxy->set_mode(FaultProxy::Mode::kDelay);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::future<void>> calls;
    for (int i = 0; i < 3; ++i) {
      calls.push_back(std::async(std::launch::async, [&] {
        auto start = Clock::now();
        EXPECT_TRUE(IsUnavailable(ledger.Signup("slow")));
        EXPECT_LT(Clock::now() - start, seconds(5)) << "10x the remote timeout";
        start = Clock::now();
        EXPECT_EQ(HealthStatus(server), 503);
        EXPECT_LT(Clock::now() - start, seconds(5)) << "10x the remote timeout";
      }));
    }
    for (auto& call : calls) call.get();
  }
  const int threads_after = ThreadCount(server.pid());
  EXPECT_LE(threads_after, threads_before + 8) << "before " << threads_before;
  EXPECT_GT(proxy->faults_injected(), 0);

  proxy->set_mode(FaultProxy::Mode::kPass);
  ExpectRecovery(server, ledger);
  EXPECT_EQ(ledger.Signup("recovered").status(), 201);
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

// tursodb's own way of refusing a pipeline: HTTP 500 with a text/plain body, nothing run.
TEST_F(RemoteFaultTest, Http500WithATextBodyIs503AndAppliesNothing) {
  auto proxy = FaultProxy::Start(static_cast<std::uint16_t>(remote_->port()));
  ASSERT_NE(proxy, nullptr);
  ServerProcess server(dir_.path(), RemoteServerConfig(proxy->url()));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  SignupLedger ledger(api);
  const std::string before = UniqueName("before");
  ASSERT_EQ(api.Signup(before, before + "@example.com", std::string(kTestPassword)).status(), 201);

  proxy->set_mode(FaultProxy::Mode::kHttp500);
  EXPECT_TRUE(IsUnhealthy(HttpGet(server.base_url() + "/health")));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(IsUnavailable(ledger.Signup("refused")));
  EXPECT_TRUE(IsUnavailable(api.Login(before, std::string(kTestPassword))));
  EXPECT_GT(proxy->faults_injected(), 0);

  proxy->set_mode(FaultProxy::Mode::kPass);
  int rows_of_failed = -1;
  ExpectRecovery(server, ledger, &rows_of_failed);
  EXPECT_EQ(rows_of_failed, 0) << "the proxy forwarded none of the refused signups";
  EXPECT_EQ(api.Login(before, std::string(kTestPassword)).status(), 200);
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

// The remote runs the write and its answer is cut in half, with its Content-Length
// (curl sees the cut) or without it (only the body shows it): the client gets 503 and is
// not told the write happened; the write is there once, and the client's retry of the
// signup is refused (409), not applied again.
class TruncatedResponseTest : public RemoteFaultTest,
                              public ::testing::WithParamInterface<FaultProxy::Mode> {};

TEST_P(TruncatedResponseTest, Is503AndTheWriteIsNotRepeated) {
  auto proxy = FaultProxy::Start(static_cast<std::uint16_t>(remote_->port()));
  ASSERT_NE(proxy, nullptr);
  ServerProcess server(dir_.path(), RemoteServerConfig(proxy->url()));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  SignupLedger ledger(api);

  proxy->set_mode(GetParam());
  EXPECT_TRUE(IsUnhealthy(HttpGet(server.base_url() + "/health")));
  const std::string name = UniqueName("cut");
  const ApiResponse cut = api.Signup(name, name + "@example.com", std::string(kTestPassword));
  EXPECT_TRUE(IsUnavailable(cut));
  EXPECT_TRUE(IsUnavailable(ledger.Signup("cut")));
  EXPECT_TRUE(IsUnavailable(api.Login(name, std::string(kTestPassword))));

  proxy->set_mode(FaultProxy::Mode::kPass);
  int rows_of_failed = -1;
  ExpectRecovery(server, ledger, &rows_of_failed);
  EXPECT_EQ(rows_of_failed, 1) << "the truncated signup ran on the remote";
  EXPECT_TRUE(IsApiError(api.Signup(name, name + "@example.com", std::string(kTestPassword)), 409,
                         "CONFLICT"));
  EXPECT_EQ(api.Login(name, std::string(kTestPassword)).status(), 200);
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

INSTANTIATE_TEST_SUITE_P(Framing, TruncatedResponseTest,
                         ::testing::Values(FaultProxy::Mode::kTruncate,
                                           FaultProxy::Mode::kTruncateUnframed),
                         [](const auto& info) {
                           return info.param == FaultProxy::Mode::kTruncate ? "WithContentLength"
                                                                            : "CloseDelimited";
                         });

// Only the login's write (its atomic batch) is cut short, after the remote ran it: each
// such login answers 503, and afterwards each left exactly one session and one login
// event behind (ran once, not twice).
TEST_F(RemoteFaultTest, TruncatedLoginWriteIsAppliedOnce) {
  auto proxy = FaultProxy::Start(static_cast<std::uint16_t>(remote_->port()));
  ASSERT_NE(proxy, nullptr);
  ServerProcess server(dir_.path(), RemoteServerConfig(proxy->url()));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  const TestAccount account = CreateAccount(api, "login");
  ASSERT_FALSE(account.user_id.empty());

  proxy->set_target("BEGIN IMMEDIATE");
  proxy->set_mode(FaultProxy::Mode::kTruncate);
  for (int i = 0; i < 2; ++i)
    EXPECT_TRUE(IsUnavailable(api.Login(account.username, account.password)));
  EXPECT_GE(proxy->faults_injected(), 2);

  proxy->set_mode(FaultProxy::Mode::kPass);
  auto db = remote_->Connect();
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(CountOf(**db, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", account.user_id), 3)
      << "the signup's session and one per cut login";
  EXPECT_EQ(CountOf(**db, "SELECT COUNT(*) FROM auth_events WHERE event = 'login' AND user_id = ?",
                    account.user_id),
            2);
  EXPECT_EQ(api.Login(account.username, account.password).status(), 200);
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

// Lines "migration applied" in a server's log.
int MigrationsAppliedBy(const ServerProcess& server) {
  const std::string log = server.Output();
  int count = 0;
  for (std::size_t at = log.find("migration applied"); at != std::string::npos;
       at = log.find("migration applied", at + 1)) {
    ++count;
  }
  return count;
}

// schema_migrations holds every embedded migration once, with its checksum.
void ExpectEachMigrationOnce(storage::Database& db) {
  const auto& embedded = storage::EmbeddedMigrations();
  auto applied = storage::ListAppliedMigrations(db);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->size(), embedded.size());
  for (std::size_t i = 0; i < embedded.size(); ++i) {
    EXPECT_EQ((*applied)[i].version, embedded[i].version);
    EXPECT_EQ((*applied)[i].checksum, storage::MigrationChecksum(embedded[i].sql));
  }
}

// Two servers spawned back to back against one fresh database, three times (a fresh
// tursodb each round): both become ready, and between them each migration was applied
// exactly once.
TEST_F(RemoteFaultTest, TwoServersStartingAtOnceApplyEachMigrationOnce) {
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    TempDir dir;
    RemoteDatabase remote(*binary_, dir.path() / "fresh.db");
    ASSERT_TRUE(remote.running());
    ServerConfig config = RemoteServerConfig(remote.url());
    config.wait_ready = false;
    ServerProcess first(dir.path(), config);
    ServerProcess second(dir.path(), config);
    for (const ServerProcess* server : {&first, &second}) {
      EXPECT_TRUE(Eventually([&] { return HttpGet(server->base_url() + "/ready").status == 200; },
                             seconds(30)))
          << server->Output();
    }
    auto db = remote.Connect();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ExpectEachMigrationOnce(**db);
    EXPECT_EQ(MigrationsAppliedBy(first) + MigrationsAppliedBy(second),
              static_cast<int>(storage::EmbeddedMigrations().size()));
    EXPECT_EQ(first.Stop(), 0) << first.Output();
    EXPECT_EQ(second.Stop(), 0) << second.Output();
  }
}

// The db_* families are labelled backend="libsql" on the remote backend (none "sqlite"),
// and db_roundtrips_total{op} counts its round trips.
TEST_F(RemoteFaultTest, DbMetricsCarryTheLibsqlBackend) {
  ServerProcess server(dir_.path(), RemoteServerConfig(remote_->url()));
  ASSERT_TRUE(server.ready()) << server.Output();
  ApiClient api(server.base_url());
  CreateAccount(api, "metrics");
  ASSERT_EQ(HealthStatus(server), 200);
  const std::string text = Metrics(server);
  for (const char* op : {"batch", "query", "ping"}) {
    const std::regex duration(
        std::string(R"(sql_studio_db_query_duration_seconds_count\{backend="libsql",op=")") + op +
        R"("\} [1-9])");
    EXPECT_TRUE(std::regex_search(text, duration)) << op << "\n" << text;
    const std::regex roundtrips(std::string(R"(sql_studio_db_roundtrips_total\{op=")") + op +
                                R"("\} [1-9])");
    EXPECT_TRUE(std::regex_search(text, roundtrips)) << op;
  }
  EXPECT_EQ(text.find("backend=\"sqlite\""), std::string::npos);
  EXPECT_EQ(server.Stop(), 0) << server.Output();
}

}  // namespace
}  // namespace howler::testing
