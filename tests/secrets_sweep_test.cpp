// The secrets sweep (docs/DESIGN.md "Security principles": never log secrets, never store
// a credential in clear): a full scenario through the real binary (sign-up, wrong and right
// logins, refresh, email verification, password reset, password change, sync uploads that
// carry connection secrets, downloads with the license key, the live socket's auth
// message, logout), then every log line the server wrote (stdout, stderr and its log file,
// at debug level), every file of its data directory (the database, its WAL and anything
// else) and its metrics output are searched for every password, token and secret used.
// None may appear. Runs on either backend (HOWLER_TEST_BACKEND).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "support/api_client.h"
#include "support/server_process.h"
#include "support/smtp_sink.h"
#include "support/sync_client.h"
#include "support/websocket_client.h"

namespace howler::testing {
namespace {

namespace json = boost::json;

// Every secret the scenario handled, with what it was (for the failure message).
class Secrets {
 public:
  void Add(std::string what, const std::string& value) {
    ASSERT_GE(value.size(), 12u) << what << " is too short to search for: '" << value << "'";
    values_.emplace(value, std::move(what));
    // A JWT's signature alone is as good as the token to an attacker who knows the claims.
    if (const auto dot = value.rfind('.'); dot != std::string::npos && value.size() - dot > 20) {
      values_.emplace(value.substr(dot + 1), values_[value] + " (signature)");
    }
  }
  // The tokens of a token-pair answer (and the license key of a sign-in answer).
  void AddAnswer(const std::string& what, const ApiResponse& answer) {
    ASSERT_EQ(answer.status(), 200 + (what == "signup" ? 1 : 0))
        << what << ": " << answer.http.body;
    Add(what + " access token", answer.Str("token"));
    Add(what + " refresh token", answer.Str("refresh_token"));
    if (const auto* key = answer.UserObject().if_contains("license_key"); key && key->is_string()) {
      Add(what + " license key", std::string(key->get_string()));
    }
  }
  // "<what> found in <where>" for every secret in `text`.
  void Sweep(const std::string& where, const std::string& text,
             std::vector<std::string>& found) const {
    for (const auto& [value, what] : values_) {
      if (text.find(value) != std::string::npos) found.push_back(what + " found in " + where);
    }
  }
  std::size_t size() const { return values_.size(); }

 private:
  std::map<std::string, std::string> values_;
};

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string TokenOfMail(const SmtpSink& sink, std::string_view to, std::string_view path) {
  for (int i = 0; i < 400; ++i) {
    for (const SmtpSink::Message& m : sink.Messages()) {
      const std::string token = ExtractTokenFromLink(m.text, path);
      if (!token.empty() && std::find(m.to.begin(), m.to.end(), to) != m.to.end()) return token;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "no mail with " << path << " to " << to;
  return {};
}

// Uploads items whose data holds secrets the server must strip before storing them.
void UploadSecrets(const ApiClient& api, const std::string& token, Secrets& secrets) {
  const std::string db_password = "db-password-Zq81xR2v";
  const std::string url_password = "url-password-Kd93LmQ7";
  const std::string api_key = "api-key-secret-Hh27Pp04";
  secrets.Add("connection password", db_password);
  secrets.Add("connection string password", url_password);
  secrets.Add("connection api key", api_key);
  const json::object connection{{"name", "prod"},
                                {"type", "postgres"},
                                {"host", "db.example.com"},
                                {"password", db_password},
                                {"options", json::object{{"apiKey", api_key}}},
                                {"url", "postgres://app:" + url_password + "@db.example.com/app"}};
  const ApiResponse up = Upload(api, token, "laptop",
                                {Change("ch-1", "connection", "conn-1", "create", 0, connection)});
  ASSERT_EQ(up.status(), 200) << up.http.body;
  EXPECT_EQ(Statuses(up), std::vector<std::string>{"applied"});
  const Downloaded down = DownloadAll(api, token, "desktop");
  ASSERT_NE(FindItem(down, "conn-1"), nullptr);
}

class SecretsSweepTest : public ::testing::Test {
 protected:
  TempDir dir_;
  SmtpSink sink_;
};

TEST_F(SecretsSweepTest, NoPasswordTokenOrSecretInLogsDatabaseFilesOrMetrics) {
  const std::filesystem::path log_file = dir_.path() / "server.log";
  ServerConfig config;
  config.env = {{"SMTP_URL", sink_.url()},
                {"EMAIL_BASE_URL", "https://app.howlerops.test"},
                {"RESEND_FROM_EMAIL", "noreply@howlerops.test"},
                {"LOG_LEVEL", "debug"},
                {"LOG_FILE", log_file.string()}};
  ServerProcess server(dir_.path(), config);
  ASSERT_TRUE(server.ready());
  const ApiClient api(server.base_url());
  Secrets secrets;

  const std::string name = UniqueName("sweep");
  const std::string email = name + "@example.com";
  const std::string first_password = "first-Password-7Jk2Qw";
  secrets.Add("first password", first_password);
  secrets.AddAnswer("signup", api.Signup(name, email, first_password));

  const std::string wrong_password = "wrong-Password-3Vb8Nx";
  secrets.Add("wrong password", wrong_password);
  EXPECT_EQ(api.Login(name, wrong_password).status(), 401);
  const ApiResponse login = api.Login(name, first_password, "laptop");
  secrets.AddAnswer("login", login);
  const ApiResponse refreshed = api.Refresh(login.Str("refresh_token"));
  secrets.AddAnswer("refresh", refreshed);

  const std::string verify_token = TokenOfMail(sink_, email, "/verify-email");
  secrets.Add("verification token", verify_token);
  EXPECT_EQ(api.VerifyEmail(verify_token).status(), 200);

  ASSERT_EQ(api.RequestPasswordReset(email).status(), 200);
  const std::string reset_token = TokenOfMail(sink_, email, "/reset-password");
  secrets.Add("reset token", reset_token);
  const std::string second_password = "second-Password-5Hn6Rt";
  secrets.Add("second password", second_password);
  ASSERT_EQ(api.ResetPassword(reset_token, second_password).status(), 200);
  const ApiResponse relogin = api.Login(name, second_password);
  secrets.AddAnswer("login after reset", relogin);
  const std::string token = relogin.Str("token");

  const std::string third_password = "third-Password-9Lp4Ws";
  secrets.Add("third password", third_password);
  const ApiResponse changed = api.ChangePassword(token, second_password, third_password);
  ASSERT_EQ(changed.status(), 200) << changed.http.body;
  const ApiResponse last = api.Login(name, third_password);
  secrets.AddAnswer("last login", last);

  UploadSecrets(api, last.Str("token"), secrets);
  const auto* license = last.UserObject().if_contains("license_key");
  ASSERT_TRUE(license && license->is_string());
  const ApiResponse desktop = api.Call("GET", "/api/sync/download?device_id=desktop-app",
                                       std::nullopt, std::string(license->get_string()));
  EXPECT_EQ(desktop.status(), 200) << desktop.http.body;

  {  // the live socket's first-message authentication
    WebSocketClient ws(server.http_port(), "/api/sync/live");
    ASSERT_EQ(ws.status(), 101);
    ASSERT_TRUE(ws.SendText("{\"type\":\"auth\",\"token\":\"" + last.Str("token") + "\"}"));
    const auto hello = ws.ReadText();
    ASSERT_TRUE(hello.has_value());
    EXPECT_NE(hello->find("\"hello\""), std::string::npos) << *hello;
  }
  EXPECT_EQ(api.Logout(last.Str("token")).status(), 200);

  const HttpResult metrics = HttpGet(server.metrics_url() + "/metrics");
  ASSERT_EQ(metrics.status, 200);
  ASSERT_NE(metrics.body.find("http_requests_total"), std::string::npos);
  ASSERT_TRUE(server.Stop().has_value());  // logs flushed, WAL as the server left it

  std::vector<std::string> found;
  secrets.Sweep("metrics", metrics.body, found);
  secrets.Sweep("server output", server.Output(), found);
  const std::string log = ReadAll(log_file);
  ASSERT_NE(log.find("debug"), std::string::npos) << "no debug lines: not a full sweep\n" << log;
  std::set<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (entry.is_regular_file()) files.insert(entry.path());
  }
  for (const auto& path : server.database_files()) files.insert(path);
  ASSERT_TRUE(files.count(log_file)) << "the server wrote no log file";
  // Control: the sweep reads what was stored (the account's email and the connection's
  // host are there in clear), so an empty or unreadable file cannot pass it.
  std::string database;
  for (const auto& path : server.database_files()) database += ReadAll(path);
  ASSERT_NE(database.find(email), std::string::npos) << "the database files were not read";
  ASSERT_NE(database.find("db.example.com"), std::string::npos);
  for (const auto& path : files) secrets.Sweep(path.string(), ReadAll(path), found);
  EXPECT_GE(secrets.size(), 20u);
  EXPECT_TRUE(found.empty()) << ::testing::PrintToString(found);
}

}  // namespace
}  // namespace howler::testing
