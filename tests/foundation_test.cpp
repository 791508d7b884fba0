// Foundation integration tests: the real binary on free loopback ports, spoken to as a
// client would (HTTP via libcurl and raw sockets, gRPC via the generated health stub).
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "support/api_client.h"
#include "support/http_client.h"
#include "support/raw_connection.h"
#include "support/server_process.h"

namespace howler::testing {
namespace {

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[4096];
  int rc = Z_OK;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string("<corrupt>");
}

class FoundationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ServerConfig config;
    config.env["MAX_REQUEST_SIZE"] = "4KiB";
    config.env["CORS_ORIGINS"] = "*";
    server_ = new ServerProcess(dir_->path(), config);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(server_->ready()) << server_->Output(); }

  static std::string Url(const std::string& path) { return server_->base_url() + path; }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* FoundationTest::dir_ = nullptr;
ServerProcess* FoundationTest::server_ = nullptr;

TEST_F(FoundationTest, HealthReportsADatabaseRoundTrip) {
  HttpResult r = HttpGet(Url("/health"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_NE(r.body.find("\"status\":\"healthy\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"service\":\"backend\""), std::string::npos);
  EXPECT_NE(r.body.find("\"version\":\""), std::string::npos);
  EXPECT_NE(r.body.find("\"uptime_seconds\":"), std::string::npos);
  EXPECT_TRUE(
      std::regex_search(r.body, std::regex(R"("database":\{"status":"ok","latency_ms":[0-9.]+\})")))
      << r.body;
  EXPECT_TRUE(std::regex_search(
      r.body, std::regex(R"("dbmanager":\{"sessions_open":\{\},"last_check_closed":0,)")))
      << r.body;
}

TEST_F(FoundationTest, ReadyOnceStarted) {
  HttpResult r = HttpGet(Url("/ready"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"status\":\"ready\"}");
}

TEST_F(FoundationTest, UnknownPathAndWrongMethodUseTheErrorShape) {
  HttpResult nf = HttpGet(Url("/api/does-not-exist"));
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.Header("content-type"), "application/json");
  EXPECT_NE(nf.body.find("\"error\":true"), std::string::npos);
  EXPECT_NE(nf.body.find("\"code\":\"NOT_FOUND\""), std::string::npos);
  EXPECT_NE(nf.body.find("\"message\":"), std::string::npos);

  HttpResult na = HttpRequest("DELETE", Url("/health"));
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(na.Header("allow"), "GET");
  EXPECT_NE(na.body.find("\"code\":\"METHOD_NOT_ALLOWED\""), std::string::npos);
}

TEST_F(FoundationTest, CorsPreflight) {
  HttpResult r =
      HttpRequest("OPTIONS", Url("/api/auth/login"),
                  {"Origin: http://localhost:5173", "Access-Control-Request-Method: POST",
                   "Access-Control-Request-Headers: authorization, content-type"});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("access-control-allow-origin"), "http://localhost:5173");
  EXPECT_EQ(r.Header("access-control-allow-methods"), "GET, POST, PUT, DELETE, OPTIONS");
  EXPECT_EQ(r.Header("access-control-allow-headers"),
            "Authorization, Content-Type, Accept, X-Request-Id");
  EXPECT_EQ(r.Header("access-control-max-age"), "86400");
  EXPECT_EQ(r.Header("access-control-allow-credentials"), "");
}

TEST_F(FoundationTest, SecurityHeadersAndServerName) {
  HttpResult r = HttpGet(Url("/health"), {"Origin: https://app.example"});
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_EQ(r.Header("server"), "howlerops");
  EXPECT_EQ(r.Header("access-control-allow-origin"), "https://app.example");
}

TEST_F(FoundationTest, RequestIdIsEchoedOrGenerated) {
  EXPECT_EQ(HttpGet(Url("/ready"), {"X-Request-Id: trace-abc.123"}).Header("x-request-id"),
            "trace-abc.123");
  const std::string generated = HttpGet(Url("/ready")).Header("x-request-id");
  EXPECT_TRUE(std::regex_match(generated, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-"
                                                     "[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << generated;
  EXPECT_NE(
      HttpGet(Url("/ready"), {"X-Request-Id: " + std::string(200, 'a')}).Header("x-request-id"),
      std::string(200, 'a'));
}

TEST_F(FoundationTest, OversizedBodyIs413) {
  HttpResult r = HttpRequest("POST", Url("/health"), {"Content-Type: application/json"},
                             std::string(8 * 1024, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("\"code\":\"PAYLOAD_TOO_LARGE\""), std::string::npos) << r.body;
  // The server is still fine afterwards.
  EXPECT_EQ(HttpGet(Url("/health")).status, 200);
}

TEST_F(FoundationTest, OversizedHeadersAreRejectedWithoutHarm) {
  HttpResult r = HttpGet(Url("/health"), {"X-Big: " + std::string(64 * 1024, 'h')});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(HttpGet(Url("/health")).status, 200);
}

TEST_F(FoundationTest, MalformedRequestGets400AndTheConnectionCloses) {
  RawConnection c(server_->http_port());
  ASSERT_TRUE(c.connected());
  c.Send("THIS IS NOT HTTP\r\n\r\n");
  const std::string reply = c.ReadAll();
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
}

std::string Gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST_F(FoundationTest, GzipRequestBodiesAreAccepted) {
  const std::string body =
      R"({"username":"gzip-user","email":"gzip@example.com","password":"long enough pw"})";
  HttpResult r =
      HttpRequest("POST", Url("/api/auth/signup"),
                  {"Content-Type: application/json", "Content-Encoding: gzip"}, Gzip(body));
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_NE(r.body.find("\"username\":\"gzip-user\""), std::string::npos) << r.body;

  HttpResult corrupt = HttpRequest("POST", Url("/api/auth/login"),
                                   {"Content-Type: application/json", "Content-Encoding: gzip"},
                                   "definitely not gzip");
  EXPECT_EQ(corrupt.status, 400) << corrupt.body;
}

TEST_F(FoundationTest, BodiesMustBeJson) {
  HttpResult r = HttpRequest("POST", Url("/api/auth/login"), {"Content-Type: text/plain"},
                             "username=a&password=b");
  EXPECT_EQ(r.status, 415);
  EXPECT_NE(r.body.find("\"code\":\"UNSUPPORTED_MEDIA_TYPE\""), std::string::npos) << r.body;
}

TEST_F(FoundationTest, GzipResponsesWhenAsked) {
  HttpResult r = HttpGet(server_->metrics_url() + "/metrics", {"Accept-Encoding: gzip"});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-encoding"), "gzip");
  EXPECT_NE(Gunzip(r.body).find("# TYPE sql_studio_http_requests_total counter"),
            std::string::npos);
  HttpResult plain = HttpGet(server_->metrics_url() + "/metrics");
  EXPECT_EQ(plain.Header("content-encoding"), "");
}

TEST_F(FoundationTest, MetricsCountRequestsByRouteTemplate) {
  auto count_health = [] {
    const std::string text = HttpGet(server_->metrics_url() + "/metrics").body;
    std::smatch m;
    std::regex re(
        R"(sql_studio_http_requests_total\{method="GET",route="/health",status="200"\} ([0-9]+))");
    return std::regex_search(text, m, re) ? std::stoi(m[1]) : 0;
  };
  const int before = count_health();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(HttpGet(Url("/health")).status, 200);
  HttpGet(Url("/no/such/thing/12345"));
  EXPECT_EQ(count_health(), before + 3);

  const std::string text = HttpGet(server_->metrics_url() + "/metrics").body;
  EXPECT_EQ(text.find("12345"), std::string::npos) << "raw paths must not become labels";
  // Every line is a comment or `name{labels} value`.
  std::istringstream lines(text);
  std::string line;
  const std::regex sample(R"([a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfNa]+)");
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
    ++samples;
  }
  EXPECT_GT(samples, 10);
  for (const char* family :
       {"sql_studio_http_request_duration_seconds_bucket", "sql_studio_http_requests_in_flight",
        "sql_studio_db_query_duration_seconds", "process_resident_memory_bytes",
        "process_cpu_seconds_total", "process_open_fds", "process_start_time_seconds"}) {
    EXPECT_NE(text.find(family), std::string::npos) << family;
  }
}

TEST_F(FoundationTest, GrpcHealthIsServing) {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->grpc_port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse res;
  grpc::Status s = stub->Check(&ctx, req, &res);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(res.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// Tests that start their own server.
class LifecycleTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(LifecycleTest, SigtermDuringASlowRequestLetsItFinishThenExitsZero) {
  ServerProcess server(dir_.path());
  ASSERT_TRUE(server.ready());
  RawConnection c(server.http_port());
  ASSERT_TRUE(c.connected());
  // Headers and half the body: the request is in flight.
  c.Send("GET /health HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n12345");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server.SendSignal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(server.WaitExit(std::chrono::seconds(0)).has_value())
      << "the server exited with a request in flight";
  c.Send("67890");
  const std::string reply = c.ReadAll();
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_NE(reply.find("Connection: close"), std::string::npos) << reply;
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(30)), 0) << server.Output();
}

TEST_F(LifecycleTest, IdleServerStopsPromptlyOnSigint) {
  ServerProcess server(dir_.path());
  ASSERT_TRUE(server.ready());
  RawConnection idle(server.http_port());  // an idle keep-alive connection must not block exit
  ASSERT_TRUE(idle.connected());
  server.SendSignal(SIGINT);
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(15)), 0) << server.Output();
  EXPECT_NE(server.Output().find("server stopped"), std::string::npos);
}

TEST_F(LifecycleTest, SecondInstanceOnATakenPortExitsNonZeroNamingThePort) {
  ServerProcess first(dir_.path());
  ASSERT_TRUE(first.ready());
  TempDir other;
  ServerConfig config;
  config.wait_ready = false;
  config.env["SERVER_HTTP_PORT"] = std::to_string(first.http_port());
  ServerProcess second(other.path(), config);
  auto code = second.WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value()) << "second instance kept running";
  EXPECT_NE(*code, 0);
  EXPECT_NE(second.Output().find(std::to_string(first.http_port())), std::string::npos)
      << second.Output();
  EXPECT_EQ(HttpGet(first.base_url() + "/health").status, 200);
}

// The harness picks free ports before the server binds them; when another process takes
// one in between, the server exits saying "cannot listen" and the harness starts it again
// on new ports instead of failing the test.
TEST_F(LifecycleTest, TheHarnessStartsTheServerAgainWhenAPickedPortWasTaken) {
  const int held = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(held, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(held, 1), 0);
  ASSERT_EQ(getsockname(held, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::uint16_t taken = ntohs(addr.sin_port);
  ServerConfig config;
  config.first_grpc_port = taken;
  ServerProcess server(dir_.path(), config);
  close(held);
  ASSERT_TRUE(server.ready()) << server.Output();
  EXPECT_NE(server.grpc_port(), taken);
  EXPECT_EQ(HttpGet(server.base_url() + "/health").status, 200);
  bool saw_refusal = false;  // in the first attempt's log (each attempt has its own)
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    if (entry.path().filename().string().rfind("server-", 0) != 0) continue;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("cannot listen") != std::string::npos) saw_refusal = true;
  }
  EXPECT_TRUE(saw_refusal) << "the first attempt did not meet the taken port";
}

TEST_F(LifecycleTest, MigrateAppliesOnceThenIsANoOp) {
  std::map<std::string, std::string> env = {
      {"ENVIRONMENT", "test"}, {"TURSO_URL", "file:" + (dir_.path() / "m.db").string()}};
  CommandResult first = RunServerCommand(dir_.path(), {"migrate"}, env);
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("0001_initial"), std::string::npos) << first.output;
  CommandResult second = RunServerCommand(dir_.path(), {"migrate"}, env);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(second.output.find("migration applied"), std::string::npos) << second.output;
}

TEST_F(LifecycleTest, CheckConfigMasksSecrets) {
  const std::string secret = "s3cr3t-value-that-is-long-enough-0123456789";
  CommandResult r = RunServerCommand(dir_.path(), {"check-config"},
                                     {{"ENVIRONMENT", "test"}, {"JWT_SECRET", secret}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("JWT_SECRET="), std::string::npos);
  EXPECT_EQ(r.output.find(secret), std::string::npos) << r.output;
}

TEST_F(LifecycleTest, DevelopmentNeedsNoConfigurationAndKeepsItsSecret) {
  CommandResult r = RunServerCommand(dir_.path(), {"check-config"}, {});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("file:./data/development.db"), std::string::npos) << r.output;
  const auto secret_file = dir_.path() / "data" / "jwt-secret";
  struct stat st {};
  ASSERT_EQ(stat(secret_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(secret_file);
  std::string first;
  in >> first;
  EXPECT_GE(first.size(), 32u);
  RunServerCommand(dir_.path(), {"check-config"}, {});
  std::ifstream again(secret_file);
  std::string second;
  again >> second;
  EXPECT_EQ(first, second);
}

TEST_F(LifecycleTest, ProductionRefusesToStartNamingEachMissingItem) {
  CommandResult r = RunServerCommand(dir_.path(), {"serve"}, {{"ENVIRONMENT", "production"}});
  EXPECT_NE(r.exit_code, 0);
  for (const char* item : {"JWT_SECRET", "TURSO_URL", "RESEND_API_KEY"}) {
    EXPECT_NE(r.output.find(item), std::string::npos) << item << " in:\n" << r.output;
  }
}

// One instance on one machine (issue: production on one box): a file database starts and
// says it is local; :memory: and a remote URL without its token do not start.
TEST_F(LifecycleTest, ProductionRunsOnAFileDatabaseButNotInMemory) {
  const std::map<std::string, std::string> env = {
      {"ENVIRONMENT", "production"},
      {"JWT_SECRET", std::string(kTestJwtSecret)},
      {"SMTP_URL", "smtp://127.0.0.1:9"},
      {"TURSO_URL", "file:" + (dir_.path() / "prod.db").string()}};
  ServerConfig config;
  config.env = env;
  {
    ServerProcess server(dir_.path(), config);
    ASSERT_TRUE(server.ready()) << server.Output();
    EXPECT_EQ(HttpGet(server.base_url() + "/health").status, 200);
    EXPECT_NE(server.Output().find("exactly one instance"), std::string::npos) << server.Output();
  }
  CommandResult check = RunServerCommand(dir_.path(), {"check-config"}, env);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("note: the database is a local file"), std::string::npos)
      << check.output;

  std::map<std::string, std::string> memory = env;
  memory["TURSO_URL"] = ":memory:";
  CommandResult refused = RunServerCommand(dir_.path(), {"serve"}, memory);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("TURSO_URL must be set"), std::string::npos) << refused.output;
  std::map<std::string, std::string> remote = env;
  remote["TURSO_URL"] = "libsql://db.example.com";
  refused = RunServerCommand(dir_.path(), {"serve"}, remote);
  EXPECT_NE(refused.output.find("TURSO_AUTH_TOKEN must be set"), std::string::npos)
      << refused.output;
}

// LOG_FILE: lines go to the file, not stdout; after a rotation, SIGHUP opens the path again.
TEST_F(LifecycleTest, LogFileIsReopenedOnSighupAfterARotation) {
  const std::filesystem::path log = dir_.path() / "howler.log";
  ServerConfig config;
  config.env = {{"LOG_FILE", log.string()}, {"LOG_LEVEL", "debug"}};
  ServerProcess server(dir_.path(), config);
  ASSERT_TRUE(server.ready()) << server.Output();
  auto read = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_NE(read(log).find("server ready"), std::string::npos);
  EXPECT_EQ(server.Output().find("server ready"), std::string::npos) << "not on stdout";
  std::filesystem::rename(log, log.string() + ".1");
  server.SendSignal(SIGHUP);
  bool reopened = false;
  for (int i = 0; i < 400 && !reopened; ++i) {  // bounded: at most 10 s
    reopened = read(log).find("SIGHUP received") != std::string::npos;
    if (!reopened) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(reopened) << read(log.string() + ".1");
  EXPECT_EQ(HttpGet(server.base_url() + "/health").status, 200) << "still serving";
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_NE(read(log).find("shutting down"), std::string::npos);
  EXPECT_EQ(read(log.string() + ".1").find("shutting down"), std::string::npos);
}

TEST_F(LifecycleTest, MalformedValueIsAStartupErrorNamingTheVariable) {
  CommandResult r = RunServerCommand(dir_.path(), {"serve"},
                                     {{"ENVIRONMENT", "test"}, {"SHUTDOWN_TIMEOUT", "soon"}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("SHUTDOWN_TIMEOUT"), std::string::npos) << r.output;
}

TEST_F(LifecycleTest, OperatorCanCreateListAndDisableUsers) {
  const std::map<std::string, std::string> env = {
      {"ENVIRONMENT", "test"},
      {"TURSO_URL", "file:" + (dir_.path() / "users.db").string()},
      {"PASSWORD_HASH_MEMORY_KIB", "1024"},
      {"PASSWORD_HASH_ITERATIONS", "1"}};
  const std::string password = "operator-chosen password";
  CommandResult created = RunServerCommand(dir_.path(),
                                           {"user", "create", "--username", "Ops.User", "--email",
                                            "Ops@Example.com", "--password-stdin"},
                                           env, std::chrono::seconds(60), password + "\n");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_EQ(created.output.find(password), std::string::npos);

  CommandResult duplicate = RunServerCommand(
      dir_.path(),
      {"user", "create", "--username", "ops.user", "--email", "x@example.com", "--password-stdin"},
      env, std::chrono::seconds(60), password + "\n");
  EXPECT_NE(duplicate.exit_code, 0);
  EXPECT_NE(duplicate.output.find("already exists"), std::string::npos) << duplicate.output;

  CommandResult weak = RunServerCommand(
      dir_.path(),
      {"user", "create", "--username", "weakling", "--email", "w@example.com", "--password-stdin"},
      env, std::chrono::seconds(60), "short\n");
  EXPECT_NE(weak.exit_code, 0);
  EXPECT_NE(weak.output.find("password"), std::string::npos) << weak.output;

  ServerConfig config;
  config.env = env;
  ServerProcess server(dir_.path(), config);
  ASSERT_TRUE(server.ready());
  const std::string login = R"({"username":"ops@example.com","password":")" + password + "\"}";
  EXPECT_EQ(HttpRequest("POST", server.base_url() + "/api/auth/login",
                        {"Content-Type: application/json"}, login)
                .status,
            200);

  CommandResult list = RunServerCommand(dir_.path(), {"user", "list"}, env);
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("Ops.User\tops@example.com\tuser"), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find("argon2"), std::string::npos) << "no hashes in the listing";

  CommandResult disabled = RunServerCommand(dir_.path(), {"user", "disable", "OPS.USER"}, env);
  EXPECT_EQ(disabled.exit_code, 0) << disabled.output;
  EXPECT_EQ(HttpRequest("POST", server.base_url() + "/api/auth/login",
                        {"Content-Type: application/json"}, login)
                .status,
            401);
  CommandResult missing = RunServerCommand(dir_.path(), {"user", "disable", "nobody"}, env);
  EXPECT_NE(missing.exit_code, 0);
}

TEST_F(LifecycleTest, VersionPrintsVersionAndCommit) {
  CommandResult r = RunServerCommand(dir_.path(), {"--version"}, {});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(
      std::regex_search(r.output, std::regex(R"(howlerops-server \d+\.\d+\.\d+ \(commit )")))
      << r.output;
}

}  // namespace
}  // namespace howler::testing
