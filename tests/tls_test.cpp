// TLS on the HTTP and gRPC listeners (API.md "TLS") through the real binary, with a CA
// and two server certificates the test makes with the openssl command line tool.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/tls_connection.h"

namespace howler::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void Run(const std::string& command) {
  ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0)
      << "openssl is needed (scripts/setup.sh): " << command;
}

// A CA and two leaf certificates for localhost and 127.0.0.1 ("one": serial 1001,
// "two": serial 2002), in `dir`.
void MakeCertificates(const fs::path& dir) {
  const std::string d = dir.string() + "/";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
  Run("openssl req -x509 " + ec + "-days 2 -subj /CN=howler-test-ca -keyout " + d + "ca.key" +
      " -out " + d + "ca.crt -addext basicConstraints=critical,CA:TRUE" +
      " -addext keyUsage=critical,keyCertSign,cRLSign");
  std::ofstream(dir / "leaf.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                     "basicConstraints=CA:FALSE\n"
                                     "keyUsage=digitalSignature\n"
                                     "extendedKeyUsage=serverAuth\n";
  for (const auto& [name, serial] : {std::pair{"one", "0x1001"}, {"two", "0x2002"}}) {
    const std::string leaf = d + name;
    Run("openssl req " + ec + "-subj /CN=howler-test-" + name + " -keyout " + leaf + ".key" +
        " -out " + leaf + ".csr");
    Run("openssl x509 -req -days 2 -in " + leaf + ".csr -CA " + d + "ca.crt -CAkey " + d +
        "ca.key -set_serial " + serial + " -extfile " + d + "leaf.ext -out " + leaf + ".crt");
  }
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeCertificates(dir_.path()));
    Install("one");
  }

  std::string File(const std::string& name) const { return (dir_.path() / name).string(); }
  std::string ca() const { return File("ca.crt"); }

  // Copies leaf `name` to the files the server reads.
  void Install(const std::string& name) {
    fs::copy_file(File(name + ".crt"), File("server.crt"), fs::copy_options::overwrite_existing);
    fs::copy_file(File(name + ".key"), File("server.key"), fs::copy_options::overwrite_existing);
  }

  ServerConfig TlsConfig(std::map<std::string, std::string> extra = {}) const {
    ServerConfig config;
    config.env = std::move(extra);
    config.env["TLS_CERT_FILE"] = File("server.crt");
    config.env["TLS_KEY_FILE"] = File("server.key");
    config.tls_ca_file = ca();
    return config;
  }

  // Waits until a new connection presents the certificate with `serial`.
  bool WaitForSerial(const ServerProcess& server, const std::string& serial) const {
    for (int i = 0; i < 200; ++i) {
      TlsConnection probe(server.http_port(), ca());
      if (probe.ok() && probe.PeerSerial() == serial) return true;
      std::this_thread::sleep_for(25ms);
    }
    return false;
  }

  TempDir dir_;
};

const std::string kKeepAliveHealth = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

std::shared_ptr<grpc::Channel> TlsChannel(std::uint16_t port, const std::string& ca_pem) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ca_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::SslCredentials(ssl),
                                   args);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Health Check over `channel`; the served certificate's subject into `subject`.
grpc::Status GrpcHealth(const std::shared_ptr<grpc::Channel>& channel, std::string* subject) {
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&context, request, &response);
  if (status.ok() && response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return grpc::Status(grpc::StatusCode::UNKNOWN, "not serving");
  }
  if (subject != nullptr && context.auth_context() != nullptr) {
    for (const auto& value : context.auth_context()->FindPropertyValues("x509_subject")) {
      *subject = std::string(value.data(), value.size());
    }
  }
  return status;
}

TEST_F(TlsTest, HttpsAnswersWithTheTrustedCaAndHstsAndRefusesOtherwise) {
  ServerProcess server(dir_.path(), TlsConfig());
  ASSERT_TRUE(server.ready());
  EXPECT_EQ(server.base_url().rfind("https://", 0), 0u);
  HttpResult ok = HttpsRequest(ca(), "GET", server.base_url() + "/health");
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(ok.Header("strict-transport-security"), "max-age=31536000");
  // The system's CAs do not know the test CA: the handshake fails, nothing is answered.
  HttpResult untrusted = HttpGet(server.base_url() + "/health");
  EXPECT_EQ(untrusted.status, 0);
  EXPECT_FALSE(untrusted.error.empty());
  // Plain text on the TLS port gets no HTTP answer.
  HttpResult plain = HttpGet("http://127.0.0.1:" + std::to_string(server.http_port()) + "/health");
  EXPECT_EQ(plain.status, 0);
  // The metrics listener stays plain text.
  EXPECT_EQ(HttpGet(server.metrics_url() + "/metrics").status, 200);
  // TLS 1.2 and 1.3 are accepted, TLS 1.1 and 1.0 are not.
  EXPECT_TRUE(TlsConnection(server.http_port(), ca(), 10000, TLS1_2_VERSION).ok());
  EXPECT_TRUE(TlsConnection(server.http_port(), ca(), 10000, TLS1_3_VERSION).ok());
  TlsConnection old(server.http_port(), ca(), 10000, TLS1_1_VERSION);
  EXPECT_FALSE(old.ok());
  EXPECT_NE(old.error().find("handshake failed"), std::string::npos) << old.error();
  EXPECT_FALSE(TlsConnection(server.http_port(), ca(), 10000, TLS1_VERSION).ok());
}

TEST_F(TlsTest, HstsCanBeTurnedOff) {
  ServerProcess server(dir_.path(), TlsConfig({{"TLS_HSTS", "false"}}));
  ASSERT_TRUE(server.ready());
  HttpResult ok = HttpsRequest(ca(), "GET", server.base_url() + "/health");
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(ok.Header("strict-transport-security"), "");
}

TEST_F(TlsTest, RedirectPortAnswers308ToTheHttpsUrl) {
  const std::uint16_t redirect = FreePort();
  ServerProcess server(dir_.path(), TlsConfig({{"HTTP_REDIRECT_PORT", std::to_string(redirect)}}));
  ASSERT_TRUE(server.ready());
  const std::string plain = "http://127.0.0.1:" + std::to_string(redirect);
  HttpResult get = HttpGet(plain + "/api/auth/me?x=1");
  EXPECT_EQ(get.status, 308);
  EXPECT_EQ(get.Header("location"), server.base_url() + "/api/auth/me?x=1");
  HttpResult post =
      HttpRequest("POST", plain + "/api/auth/login", {"Content-Type: application/json"}, "{}");
  EXPECT_EQ(post.status, 308);
  EXPECT_EQ(post.Header("location"), server.base_url() + "/api/auth/login");
  EXPECT_EQ(HttpGet(plain + "/").Header("location"), server.base_url() + "/");
  // The redirect listener itself is plain text and never sends HSTS.
  EXPECT_EQ(get.Header("strict-transport-security"), "");
}

TEST_F(TlsTest, WebSocketWorksOverTls) {
  ServerProcess server(dir_.path(), TlsConfig({{"DIAGNOSTIC_ROUTES", "true"}}));
  ASSERT_TRUE(server.ready());
  HttpResult signup = HttpsRequest(
      ca(), "POST", server.base_url() + "/api/auth/signup", {"Content-Type: application/json"},
      R"({"username":"wss_user","email":"wss@example.com","password":"correct horse battery"})");
  ASSERT_EQ(signup.status, 201) << signup.body;
  const std::string token = boost::json::parse(signup.body).at("token").as_string().c_str();

  TlsConnection ws(server.http_port(), ca());
  ASSERT_TRUE(ws.ok()) << ws.error();
  HttpHead head = ws.Exchange(
      "GET /api/diagnostics/websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
      token + "\r\n\r\n");
  ASSERT_EQ(head.status, 101);
  EXPECT_EQ(head.Header("sec-websocket-accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(head.Header("strict-transport-security"), "max-age=31536000");
  // One masked text frame "hello over tls"; the echo comes back unmasked.
  const std::string text = "hello over tls";
  std::string frame = {'\x81', static_cast<char>(0x80 | text.size()), 1, 2, 3, 4};
  for (std::size_t i = 0; i < text.size(); ++i) frame += static_cast<char>(text[i] ^ (1 + i % 4));
  ASSERT_TRUE(ws.Send(frame));
  std::string in;
  while (in.size() < 2 + text.size() && ws.ReceiveInto(in)) {
  }
  ASSERT_GE(in.size(), 2 + text.size());
  EXPECT_EQ(static_cast<unsigned char>(in[0]), 0x81);
  EXPECT_EQ(in.substr(2, text.size()), text);
}

TEST_F(TlsTest, StreamsAndEventStreamsWorkOverTlsAndNoticeALeavingClient) {
  ServerProcess server(
      dir_.path(), TlsConfig({{"DIAGNOSTIC_ROUTES", "true"}, {"SSE_HEARTBEAT_INTERVAL", "1h"}}));
  ASSERT_TRUE(server.ready());
  HttpResult signup = HttpsRequest(
      ca(), "POST", server.base_url() + "/api/auth/signup", {"Content-Type: application/json"},
      R"({"username":"stream_user","email":"stream@example.com","password":"correct horse battery"})");
  ASSERT_EQ(signup.status, 201) << signup.body;
  const std::string bearer =
      "Authorization: Bearer " +
      std::string(boost::json::parse(signup.body).at("token").as_string().c_str());
  HttpResult stream = HttpsRequest(
      ca(), "GET", server.base_url() + "/api/diagnostics/stream?bytes=1048576", {bearer});
  ASSERT_EQ(stream.status, 200) << stream.error;
  ASSERT_EQ(stream.body.size(), 1048576u);
  const std::string_view pattern =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  EXPECT_EQ(stream.body.substr(1048576 - 64), pattern);
  HttpResult events = HttpsRequest(
      ca(), "GET", server.base_url() + "/api/diagnostics/events?count=3&interval_ms=0", {bearer});
  ASSERT_EQ(events.status, 200) << events.error;
  EXPECT_NE(events.body.find(R"(data: {"seq":3,"count":3})"), std::string::npos) << events.body;
  EXPECT_EQ(events.Header("strict-transport-security"), "max-age=31536000");

  // A client that leaves an event stream (close_notify, then FIN) ends it at once, not at
  // the next heartbeat an hour away.
  const std::string open_events = "sql_studio_http_streams_open{kind=\"events\"} ";
  auto open_count = [&] {
    const std::string text = HttpGet(server.metrics_url() + "/metrics").body;
    const std::size_t at = text.find(open_events);
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + open_events.size()));
  };
  {
    TlsConnection client(server.http_port(), ca());
    ASSERT_TRUE(client.ok()) << client.error();
    ASSERT_TRUE(
        client.Send("GET /api/diagnostics/events?count=1000&interval_ms=60000 HTTP/1.1\r\n"
                    "Host: localhost\r\n" +
                    bearer + "\r\n\r\n"));
    std::string in;
    while (in.find("data: ") == std::string::npos && client.ReceiveInto(in)) {
    }
    ASSERT_NE(in.find("data: "), std::string::npos) << in;
    EXPECT_EQ(open_count(), 1);
  }
  bool ended = false;
  for (int i = 0; i < 250 && !ended; ++i) {
    ended = open_count() == 0;
    if (!ended) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(ended);
}

TEST_F(TlsTest, AClientThatNeverHandshakesIsDisconnected) {
  ServerProcess server(dir_.path(), TlsConfig({{"HTTP_READ_TIMEOUT", "1s"}}));
  ASSERT_TRUE(server.ready());
  LoopbackSocket silent(server.http_port(), SocketOptions{.read_timeout_ms = 20000});
  ASSERT_TRUE(silent.connected());
  std::string in;
  // The server closes the connection (end of stream), well before this read times out.
  EXPECT_FALSE(silent.ReceiveInto(in));
  EXPECT_FALSE(silent.timed_out());
  EXPECT_TRUE(in.empty());
}

TEST_F(TlsTest, GrpcSpeaksTlsWithTheSameCertificate) {
  ServerProcess server(dir_.path(), TlsConfig());
  ASSERT_TRUE(server.ready());
  std::string subject;
  grpc::Status status = GrpcHealth(TlsChannel(server.grpc_port(), ReadAll(ca())), &subject);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(subject.find("CN=howler-test-one"), std::string::npos) << subject;
  auto insecure = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.grpc_port()),
                                      grpc::InsecureChannelCredentials());
  EXPECT_EQ(GrpcHealth(insecure, nullptr).error_code(), grpc::StatusCode::UNAVAILABLE);
  grpc::SslCredentialsOptions other_ca;
  other_ca.pem_root_certs = ReadAll(File("two.crt"));  // no CA: verification fails
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto untrusted = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server.grpc_port()),
                                             grpc::SslCredentials(other_ca), args);
  EXPECT_FALSE(GrpcHealth(untrusted, nullptr).ok());
}

TEST_F(TlsTest, SighupSwapsTheCertificateForNewConnectionsOnly) {
  ServerProcess server(dir_.path(), TlsConfig());
  ASSERT_TRUE(server.ready());
  TlsConnection before(server.http_port(), ca());
  ASSERT_TRUE(before.ok()) << before.error();
  EXPECT_EQ(before.PeerSerial(), "1001");
  ASSERT_EQ(before.Exchange(kKeepAliveHealth).status, 200);
  auto grpc_before = TlsChannel(server.grpc_port(), ReadAll(ca()));
  ASSERT_TRUE(GrpcHealth(grpc_before, nullptr).ok());

  Install("two");
  server.SendSignal(SIGHUP);
  ASSERT_TRUE(WaitForSerial(server, "2002")) << server.Output();
  // The connection opened before the swap goes on serving, keep-alive, with its old
  // certificate.
  std::string body;
  EXPECT_EQ(before.Exchange(kKeepAliveHealth, &body).status, 200);
  EXPECT_NE(body.find("healthy"), std::string::npos) << body;
  EXPECT_EQ(before.PeerSerial(), "1001");
  TlsConnection after(server.http_port(), ca());
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ(after.PeerSerial(), "2002");
  EXPECT_NE(after.PeerSubject().find("CN=howler-test-two"), std::string::npos);
  // gRPC: the old channel keeps working; a new one handshakes with the new certificate.
  EXPECT_TRUE(GrpcHealth(grpc_before, nullptr).ok());
  std::string subject;
  ASSERT_TRUE(GrpcHealth(TlsChannel(server.grpc_port(), ReadAll(ca())), &subject).ok());
  EXPECT_NE(subject.find("CN=howler-test-two"), std::string::npos) << subject;
  EXPECT_NE(server.Output().find("tls certificate reloaded"), std::string::npos);
}

TEST_F(TlsTest, ABadSwapKeepsTheCurrentCertificate) {
  ServerProcess server(dir_.path(), TlsConfig());
  ASSERT_TRUE(server.ready());
  // The key of "two" with the certificate of "one": they do not belong together.
  fs::copy_file(File("two.key"), File("server.key"), fs::copy_options::overwrite_existing);
  server.SendSignal(SIGHUP);
  for (int i = 0; i < 200 && server.Output().find("tls reload failed") == std::string::npos; ++i) {
    std::this_thread::sleep_for(25ms);
  }
  EXPECT_NE(server.Output().find("does not match"), std::string::npos) << server.Output();
  EXPECT_EQ(server.Output().find("PRIVATE KEY"), std::string::npos);
  TlsConnection probe(server.http_port(), ca());
  ASSERT_TRUE(probe.ok()) << probe.error();
  EXPECT_EQ(probe.PeerSerial(), "1001");
  EXPECT_EQ(probe.Exchange(kKeepAliveHealth).status, 200);
  std::string subject;
  ASSERT_TRUE(GrpcHealth(TlsChannel(server.grpc_port(), ReadAll(ca())), &subject).ok());
  EXPECT_NE(subject.find("CN=howler-test-one"), std::string::npos) << subject;
  // Missing files are as bad: still the old certificate, still serving.
  fs::remove(File("server.crt"));
  server.SendSignal(SIGHUP);
  std::this_thread::sleep_for(200ms);
  TlsConnection again(server.http_port(), ca());
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again.PeerSerial(), "1001");
}

TEST_F(TlsTest, MissingUnreadableOrMismatchedFilesRefuseToStart) {
  std::map<std::string, std::string> env = {{"ENVIRONMENT", "test"},
                                            {"SERVER_HOST", "127.0.0.1"},
                                            {"SERVER_HTTP_PORT", std::to_string(FreePort())},
                                            {"SERVER_GRPC_PORT", std::to_string(FreePort())},
                                            {"SERVER_METRICS_PORT", std::to_string(FreePort())},
                                            {"TURSO_URL", "file:" + File("refused.db")},
                                            {"TLS_CERT_FILE", File("missing.crt")},
                                            {"TLS_KEY_FILE", File("one.key")}};
  CommandResult missing = RunServerCommand(dir_.path(), {"serve"}, env, 30s);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("TLS_CERT_FILE: cannot read " + File("missing.crt")),
            std::string::npos)
      << missing.output;
  env["TLS_CERT_FILE"] = File("one.crt");
  env.erase("TLS_KEY_FILE");
  CommandResult half = RunServerCommand(dir_.path(), {"serve"}, env, 30s);
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_NE(half.output.find("TLS_KEY_FILE: must be set with TLS_CERT_FILE"), std::string::npos)
      << half.output;
  if (geteuid() != 0) {
    fs::copy_file(File("one.key"), File("locked.key"));
    fs::permissions(File("locked.key"), fs::perms::none);
    env["TLS_KEY_FILE"] = File("locked.key");
    CommandResult locked = RunServerCommand(dir_.path(), {"serve"}, env, 30s);
    EXPECT_EQ(locked.exit_code, 2);
    EXPECT_NE(locked.output.find("TLS_KEY_FILE: cannot read"), std::string::npos) << locked.output;
  }
  env["TLS_KEY_FILE"] = File("two.key");
  CommandResult mismatched = RunServerCommand(dir_.path(), {"serve"}, env, 30s);
  EXPECT_EQ(mismatched.exit_code, 1);
  EXPECT_NE(mismatched.output.find("does not match"), std::string::npos) << mismatched.output;
  EXPECT_EQ(mismatched.output.find("PRIVATE KEY"), std::string::npos);
  // check-config shows the TLS state by its file names, never the key.
  env["TLS_KEY_FILE"] = File("one.key");
  CommandResult check = RunServerCommand(dir_.path(), {"check-config"}, env, 30s);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("TLS_CERT_FILE=" + File("one.crt")), std::string::npos);
  EXPECT_NE(check.output.find("TLS_KEY_FILE=" + File("one.key")), std::string::npos);
  EXPECT_NE(check.output.find("TLS_HSTS=true"), std::string::npos);
  EXPECT_EQ(check.output.find("PRIVATE KEY"), std::string::npos);
}

}  // namespace
}  // namespace howler::testing
