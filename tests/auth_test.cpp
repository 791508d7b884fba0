// Accounts through the real binary (API.md "Auth"): signup, login, the User and TokenPair
// shapes, field validation, the desktop client's exact calls, disabled accounts, and what
// the server keeps on disk and in its log.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "storage/database.h"
#include "support/api_client.h"
#include "support/server_process.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// A username of exactly `length` characters, unique in this process.
std::string NameOfLength(std::size_t length) {
  static int counter = 0;
  std::string name = "u" + std::to_string(++counter) + "_";
  name.resize(length, 'x');
  return name;
}

class AuthAccountsTest : public SharedServerTest<AuthAccountsTest> {};

TEST_F(AuthAccountsTest, SignupAnswers201WithATokenPairAndAMessage) {
  const std::string username = "Mixed.Case-" + UniqueName("Su");
  const std::string email = "First.Last+" + username + "@Example.COM";
  const ApiResponse r = api().Signup(username, email, std::string(kTestPassword));
  ASSERT_EQ(r.status(), 201) << r;
  EXPECT_TRUE(IsSignInAnswer(r));
  EXPECT_EQ(r.Header("content-type").rfind("application/json", 0), 0u);
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_FALSE(r.Header("x-request-id").empty());
  ASSERT_TRUE(r.Object().contains("message")) << r;
  EXPECT_TRUE(r.Object().at("message").is_string());
  EXPECT_FALSE(r.Str("message").empty());
  const json::object& user = r.UserObject();
  EXPECT_EQ(user.at("username"), json::string_view(username)) << "the username keeps its spelling";
  std::string lower = email;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  EXPECT_EQ(user.at("email"), json::string_view(lower)) << "the email is stored lower-cased";
  EXPECT_EQ(user.at("role"), "user");
  EXPECT_EQ(user.at("email_verified"), false);
  EXPECT_EQ(user.at("active"), true);
  EXPECT_EQ(r.http.body.find(std::string(kTestPassword)), std::string::npos);
  for (const auto& [key, value] : r.Object()) {
    EXPECT_EQ(std::string(key).find("password"), std::string::npos) << key;
    EXPECT_EQ(std::string(key).find("hash"), std::string::npos) << key;
  }
}

TEST_F(AuthAccountsTest, AccessTokenCarriesTheDocumentedClaims) {
  const ApiResponse r = api().Signup(UniqueName("claims"), UniqueName("c") + "@example.com",
                                     std::string(kTestPassword));
  ASSERT_EQ(r.status(), 201) << r;
  const std::string token = r.Str("token");
  const json::object header = JwtHeader(token);
  const json::object claims = JwtPayload(token);
  EXPECT_EQ(header.at("alg"), "HS256") << token;
  const std::string user_id(r.UserObject().at("id").as_string());
  EXPECT_EQ(claims.at("iss"), "howlerops");
  EXPECT_EQ(claims.at("sub"), json::string_view(user_id));
  EXPECT_EQ(claims.at("user_id"), json::string_view(user_id));
  EXPECT_EQ(claims.at("username"), r.UserObject().at("username"));
  EXPECT_EQ(claims.at("role"), "user");
  for (const char* name : {"sid", "jti"}) {
    ASSERT_TRUE(claims.contains(name) && claims.at(name).is_string()) << name;
    EXPECT_FALSE(claims.at(name).as_string().empty()) << name;
  }
  for (const char* name : {"iat", "nbf", "exp"}) {
    ASSERT_TRUE(claims.contains(name) && claims.at(name).is_int64()) << name << " " << claims;
  }
  // JWT_EXPIRATION defaults to 15 minutes.
  EXPECT_EQ(claims.at("exp").as_int64() - claims.at("iat").as_int64(), 15 * 60);
  EXPECT_LE(claims.at("nbf").as_int64(), claims.at("iat").as_int64());
  // The refresh token is opaque: not a JWT carrying claims.
  EXPECT_TRUE(JwtPayload(r.Str("refresh_token")).empty());
  ASSERT_EQ(api().Me(token).status(), 200);
}

TEST_F(AuthAccountsTest, SignupCannotChooseRoleOrVerifiedStateAndIgnoresUnknownFields) {
  const std::string username = UniqueName("role");
  const ApiResponse r = api().Call("POST", "/api/auth/signup",
                                   json::value{{"username", username},
                                               {"email", username + "@example.com"},
                                               {"password", kTestPassword},
                                               {"role", "admin"},
                                               {"email_verified", true},
                                               {"active", false},
                                               {"id", "chosen-id"},
                                               {"favourite_colour", "teal"}});
  ASSERT_EQ(r.status(), 201) << r;
  EXPECT_EQ(r.UserObject().at("role"), "user");
  EXPECT_EQ(r.UserObject().at("email_verified"), false);
  EXPECT_EQ(r.UserObject().at("active"), true);
  EXPECT_NE(r.UserObject().at("id"), "chosen-id");
  EXPECT_EQ(JwtPayload(r.Str("token")).at("role"), "user");
}

struct FieldCase {
  std::string description;
  json::object body;
  std::string field;
};

std::vector<FieldCase> InvalidSignups() {
  auto with = [](std::string_view key, json::value v) {
    const std::string name = UniqueName("val");
    json::object body{
        {"username", name}, {"email", name + "@example.com"}, {"password", kTestPassword}};
    if (v.is_null() && key.front() == '-') {
      body.erase(key.substr(1));
    } else {
      body[key] = std::move(v);
    }
    return body;
  };
  return {
      {"username missing", with("-username", nullptr), "username"},
      {"username too short", with("username", "ab"), "username"},
      {"username too long", with("username", json::string(NameOfLength(33))), "username"},
      {"username with a space", with("username", "has space"), "username"},
      {"username with @", with("username", "at@sign"), "username"},
      {"username non-ASCII", with("username", "j\xC3\xBCrgen"), "username"},
      {"username a number", with("username", 12345), "username"},
      {"username null", with("username", json::value(nullptr)), "username"},
      {"email missing", with("-email", nullptr), "email"},
      {"email without @", with("email", "not-an-email"), "email"},
      {"email without domain", with("email", "someone@"), "email"},
      {"email without local part", with("email", "@example.com"), "email"},
      {"email with a space", with("email", "some one@example.com"), "email"},
      {"email a number", with("email", 42), "email"},
      {"password missing", with("-password", nullptr), "password"},
      {"password of 7 bytes", with("password", "1234567"), "password"},
      {"password of 1025 bytes", with("password", json::string(1025, 'p')), "password"},
      {"password a bool", with("password", true), "password"},
  };
}

TEST_F(AuthAccountsTest, SignupValidationAnswers400NamingTheField) {
  for (const FieldCase& c : InvalidSignups()) {
    SCOPED_TRACE(c.description);
    const ApiResponse r = api().Call("POST", "/api/auth/signup", json::value(c.body));
    EXPECT_TRUE(IsApiError(r, 400, "INVALID_REQUEST", c.field));
  }
}

TEST_F(AuthAccountsTest, SignupAcceptsTheBoundaryValues) {
  for (std::size_t length : {std::size_t{3}, std::size_t{32}}) {
    const std::string name = NameOfLength(length);
    const ApiResponse r =
        api().Signup(name, UniqueName("edge") + "@example.com", std::string(kTestPassword));
    EXPECT_EQ(r.status(), 201) << length << ": " << r;
  }
  const ApiResponse dots =
      api().Signup("A.b_c-" + UniqueName("D"), UniqueName("dots") + "@example.com", "12345678");
  EXPECT_EQ(dots.status(), 201) << "8-byte password and every allowed character: " << dots;
  const std::string longest(1024, 'L');
  const std::string name = UniqueName("max");
  const ApiResponse max = api().Signup(name, name + "@example.com", longest);
  ASSERT_EQ(max.status(), 201) << max;
  EXPECT_EQ(api().Login(name, longest).status(), 200);
}

TEST_F(AuthAccountsTest, MalformedBodiesAre400AndNonJsonBodiesAre415) {
  const std::vector<std::string> json_type = {"Content-Type: application/json"};
  for (const std::string body : {"{", "[]", "null", "\"text\"", "{\"username\": }"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(
        IsApiError(api().Raw("POST", "/api/auth/signup", json_type, body), 400, "INVALID_REQUEST"));
  }
  const std::string name = UniqueName("ct");
  const std::string body = json::serialize(json::value{
      {"username", name}, {"email", name + "@example.com"}, {"password", kTestPassword}});
  EXPECT_TRUE(IsApiError(api().Raw("POST", "/api/auth/signup", {"Content-Type: text/plain"}, body),
                         415, "UNSUPPORTED_MEDIA_TYPE"));
  EXPECT_TRUE(IsApiError(
      api().Raw("POST", "/api/auth/signup", {"Content-Type: application/x-www-form-urlencoded"},
                "username=" + name + "&password=x"),
      415, "UNSUPPORTED_MEDIA_TYPE"));
  const ApiResponse charset = api().Raw("POST", "/api/auth/signup",
                                        {"Content-Type: application/json; charset=utf-8"}, body);
  EXPECT_EQ(charset.status(), 201) << charset;
}

TEST_F(AuthAccountsTest, PasswordsThatAreNotUtf8AreRejected) {
  const std::string name = UniqueName("utf");
  const std::vector<std::string> json_type = {"Content-Type: application/json"};
  const std::string prefix =
      "{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\",\"password\":\"";
  EXPECT_TRUE(IsApiError(
      api().Raw("POST", "/api/auth/signup", json_type, prefix + "\xff\xfe\xfd\xfc\xfb\xfa\xf9\"}"),
      400, "INVALID_REQUEST"));
  EXPECT_TRUE(
      IsApiError(api().Raw("POST", "/api/auth/signup", json_type, prefix + "abcdefgh\\ud800ijk\"}"),
                 400, "INVALID_REQUEST"));
  EXPECT_EQ(api().Login(name, "abcdefgh").status(), 401) << "no account was created";
}

TEST_F(AuthAccountsTest, DuplicateUsernameOrEmailInAnotherCaseIs409) {
  const TestAccount a = CreateAccount(api(), "Dup");
  const ApiResponse same_name =
      api().Signup(Upper(a.username), UniqueName("other") + "@example.com", "another password");
  EXPECT_TRUE(IsApiError(same_name, 409, "CONFLICT"));
  EXPECT_EQ(same_name.Str("message"), "username or email already exists");
  const ApiResponse same_email = api().Signup(UniqueName("other"), Upper(a.email), "xyzzy-plugh");
  EXPECT_TRUE(IsApiError(same_email, 409, "CONFLICT"));
  EXPECT_EQ(same_email.Str("message"), "username or email already exists");
  // The original account is untouched.
  const ApiResponse login = api().Login(a.username, a.password);
  ASSERT_EQ(login.status(), 200) << login;
  EXPECT_EQ(login.UserObject().at("id"), json::string_view(a.user_id));
}

TEST_F(AuthAccountsTest, LoginByUsernameOrEmailInAnyCase) {
  const TestAccount a = CreateAccount(api(), "Login");
  std::vector<std::string> sessions;
  for (const std::string& name : {a.username, Upper(a.username), a.email, Upper(a.email)}) {
    SCOPED_TRACE(name);
    const ApiResponse r = api().Login(name, a.password);
    ASSERT_EQ(r.status(), 200) << r;
    EXPECT_TRUE(IsSignInAnswer(r));
    EXPECT_EQ(r.UserObject().at("id"), json::string_view(a.user_id));
    EXPECT_EQ(r.UserObject().at("username"), json::string_view(a.username));
    EXPECT_TRUE(IsWireTimestamp(r.UserObject().at("last_login"))) << r;
    sessions.emplace_back(JwtPayload(r.Str("token")).at("sid").as_string());
    EXPECT_EQ(api().Me(r.Str("token")).status(), 200);
  }
  std::sort(sessions.begin(), sessions.end());
  EXPECT_EQ(std::unique(sessions.begin(), sessions.end()), sessions.end())
      << "each login is its own session";
}

TEST_F(AuthAccountsTest, FailedLoginsAreIndistinguishable) {
  const TestAccount a = CreateAccount(api(), "Fail");
  const std::vector<ApiResponse> failures = {
      api().Login(UniqueName("nobody"), a.password),
      api().Login(UniqueName("nobody") + "@example.com", a.password),
      api().Login(a.username, a.password + "!"),
      api().Login(a.email, "wrong password entirely"),
  };
  for (const ApiResponse& r : failures) {
    EXPECT_TRUE(IsApiError(r, 401, "UNAUTHORIZED"));
    EXPECT_EQ(r.Str("message"), "invalid username or password");
    EXPECT_EQ(r.Object(), failures.front().Object());
  }
}

TEST_F(AuthAccountsTest, LoginValidationNamesTheField) {
  EXPECT_TRUE(
      IsApiError(api().Call("POST", "/api/auth/login", json::value{{"username", "someone"}}), 400,
                 "INVALID_REQUEST", "password"));
  EXPECT_TRUE(
      IsApiError(api().Call("POST", "/api/auth/login", json::value{{"password", "something long"}}),
                 400, "INVALID_REQUEST", "username"));
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/auth/login",
                                    json::value{{"username", 7}, {"password", "something"}}),
                         400, "INVALID_REQUEST", "username"));
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/auth/login",
                                    json::value{{"username", "someone"}, {"password", 12345678}}),
                         400, "INVALID_REQUEST", "password"));
}

TEST_F(AuthAccountsTest, MeAndProfileReturnTheUser) {
  const TestAccount a = CreateAccount(api(), "Me");
  const ApiResponse me = api().Me(a.token);
  const ApiResponse profile = api().Profile(a.token);
  ASSERT_EQ(me.status(), 200) << me;
  ASSERT_EQ(profile.status(), 200) << profile;
  EXPECT_TRUE(IsUser(me.Object().at("user")));
  EXPECT_EQ(me.UserObject().at("id"), json::string_view(a.user_id));
  EXPECT_EQ(me.UserObject().at("email"), json::string_view(a.email));
  EXPECT_EQ(me.Object().size(), 1u) << me;
  EXPECT_EQ(profile.Object(), me.Object());
  EXPECT_EQ(me.Header("cache-control"), "no-store");
}

TEST_F(AuthAccountsTest, MissingOrMalformedBearerIs401) {
  const TestAccount a = CreateAccount(api(), "Bearer");
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"Authorization: Bearer"},
      {"Authorization: Bearer "},
      {"Authorization: Bearer not.a.jwt"},
      {"Authorization: Bearer " + a.token + "x"},
      {"Authorization: Basic " + Base64UrlEncode(a.username + ":" + a.password)},
      {"Authorization: " + a.token},
      {BearerHeader(a.refresh_token)},
  };
  for (const auto& headers : cases) {
    for (const char* path : {"/api/auth/me", "/api/auth/profile", "/api/auth/sessions"}) {
      SCOPED_TRACE(std::string(path) + " " + (headers.empty() ? "(none)" : headers[0]));
      EXPECT_TRUE(IsApiError(api().Raw("GET", path, headers), 401, "UNAUTHORIZED"));
    }
  }
  EXPECT_TRUE(IsApiError(api().Logout(""), 401, "UNAUTHORIZED"));
}

TEST_F(AuthAccountsTest, WrongMethodAndUnknownPath) {
  const ApiResponse get_login = api().Call("GET", "/api/auth/login");
  EXPECT_TRUE(IsApiError(get_login, 405, "METHOD_NOT_ALLOWED"));
  EXPECT_EQ(get_login.Header("allow"), "POST");
  EXPECT_TRUE(IsApiError(api().Call("GET", "/api/auth/no-such-endpoint"), 404, "NOT_FOUND"));
}

// The desktop client: CORS preflight before each call, login with the email in `username`,
// reads token, refresh_token, expires_at and user, refreshes, logs out with no body.
TEST_F(AuthAccountsTest, DesktopClientFlow) {
  const TestAccount a = CreateAccount(api(), "Desk");
  const std::string origin = "http://wails.localhost:34115";
  auto preflight = [&](const std::string& method, const std::string& path) {
    const ApiResponse r =
        api().Raw("OPTIONS", path,
                  {"Origin: " + origin, "Access-Control-Request-Method: " + method,
                   "Access-Control-Request-Headers: authorization,content-type"});
    EXPECT_EQ(r.status(), 204) << path << " " << r;
    EXPECT_EQ(r.Header("access-control-allow-origin"), origin) << path;
    EXPECT_NE(r.Header("access-control-allow-methods").find(method), std::string::npos);
    EXPECT_NE(r.Header("access-control-allow-headers").find("Authorization"), std::string::npos);
  };
  const std::vector<std::string> headers = {"Origin: " + origin, "Content-Type: application/json"};
  auto post = [&](const std::string& path, const std::string& body, const std::string& bearer) {
    std::vector<std::string> h = headers;
    if (!bearer.empty()) h.push_back(BearerHeader(bearer));
    return api().Raw("POST", path, h, body);
  };

  preflight("POST", "/api/auth/login");
  const ApiResponse login =
      post("/api/auth/login",
           json::serialize(json::value{{"username", a.email}, {"password", a.password}}), "");
  ASSERT_EQ(login.status(), 200) << login;
  EXPECT_TRUE(IsSignInAnswer(login));
  EXPECT_EQ(login.Header("access-control-allow-origin"), origin);
  EXPECT_EQ(login.UserObject().at("email"), json::string_view(a.email));
  const std::string expires_at = login.Str("expires_at");
  EXPECT_EQ(expires_at.size(), 24u) << expires_at;
  EXPECT_EQ(expires_at.back(), 'Z');

  preflight("GET", "/api/auth/me");
  const ApiResponse me =
      api().Raw("GET", "/api/auth/me", {"Origin: " + origin, BearerHeader(login.Str("token"))});
  ASSERT_EQ(me.status(), 200) << me;
  EXPECT_EQ(me.Header("access-control-allow-origin"), origin);

  preflight("POST", "/api/auth/refresh");
  const ApiResponse refreshed =
      post("/api/auth/refresh",
           json::serialize(json::value{{"refresh_token", login.Str("refresh_token")}}), "");
  ASSERT_EQ(refreshed.status(), 200) << refreshed;
  EXPECT_TRUE(IsTokenPair(refreshed));

  preflight("POST", "/api/auth/logout");
  const ApiResponse logout = post("/api/auth/logout", "", refreshed.Str("token"));
  ASSERT_EQ(logout.status(), 200) << logout;
  EXPECT_EQ(logout.Object().at("success"), true);
  EXPECT_TRUE(IsApiError(api().Me(refreshed.Str("token")), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Refresh(refreshed.Str("refresh_token")), 401, "UNAUTHORIZED"));
}

TEST_F(AuthAccountsTest, LongAndNonAsciiPasswordsWork) {
  std::string long_password;
  for (int i = 0; long_password.size() < 100; ++i) long_password += "segment" + std::to_string(i);
  const TestAccount a = CreateAccount(api(), "Long", long_password);
  ASSERT_EQ(api().Login(a.username, long_password).status(), 200);
  EXPECT_TRUE(IsApiError(api().Login(a.username, long_password.substr(0, 72)), 401, "UNAUTHORIZED"))
      << "bytes after the 72nd count";
  std::string changed_late = long_password;
  changed_late[90] = changed_late[90] == 'Z' ? 'Y' : 'Z';
  EXPECT_TRUE(IsApiError(api().Login(a.username, changed_late), 401, "UNAUTHORIZED"));

  const std::string unicode = "p\xC3\xA4sswo\xCC\x88rd \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x94\x92";
  const TestAccount b = CreateAccount(api(), "Utf", unicode);
  const ApiResponse ok = api().Login(b.email, unicode);
  ASSERT_EQ(ok.status(), 200) << ok;
  EXPECT_TRUE(IsApiError(api().Login(b.email, "passwo rd"), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Login(b.email, "p\xC3\xA4sswo\xCC\x88rd"), 401, "UNAUTHORIZED"));
}

// --- tests with a server of their own ---

class AuthOwnServerTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(AuthOwnServerTest, DisabledAccountLosesLoginAndTokensAtOnce) {
  // The CLI opens the server's database directly: the embedded file on either test run.
  ServerConfig config =
      AuthServerConfig({{"SESSION_CACHE_TTL", "0s"},
                        {"TURSO_URL", "file:" + (dir_.path() / "data" / "test.db").string()}});
  const auto env = config.env;
  ServerProcess server(dir_.path(), config);
  ASSERT_TRUE(server.ready());
  const ApiClient api(server.base_url());
  const TestAccount victim = CreateAccount(api, "Dis");
  const TestAccount by_email = CreateAccount(api, "DisMail");
  const TestAccount bystander = CreateAccount(api, "Keep");
  const ApiResponse unknown = api.Login(UniqueName("ghost"), victim.password);

  const std::map<std::string, std::string> cli_env = {
      {"ENVIRONMENT", "test"},
      {"TURSO_URL", "file:" + (dir_.path() / "data" / "test.db").string()},
      {"DATA_DIR", (dir_.path() / "data").string()},
      {"JWT_SECRET", env.at("JWT_SECRET")}};
  const CommandResult by_name =
      RunServerCommand(dir_.path(), {"user", "disable", victim.username}, cli_env);
  ASSERT_EQ(by_name.exit_code, 0) << by_name.output;
  const CommandResult mail =
      RunServerCommand(dir_.path(), {"user", "disable", Upper(by_email.email)}, cli_env);
  ASSERT_EQ(mail.exit_code, 0) << mail.output;

  for (const TestAccount* a : {&victim, &by_email}) {
    SCOPED_TRACE(a->username);
    const ApiResponse login = api.Login(a->username, a->password);
    EXPECT_TRUE(IsApiError(login, 401, "UNAUTHORIZED"));
    EXPECT_EQ(login.Object(), unknown.Object()) << "same answer as for an unknown user";
    EXPECT_TRUE(IsApiError(api.Me(a->token), 401, "UNAUTHORIZED"));
    EXPECT_TRUE(IsApiError(api.Refresh(a->refresh_token), 401, "UNAUTHORIZED"));
  }
  EXPECT_EQ(api.Me(bystander.token).status(), 200);
  EXPECT_EQ(api.Login(bystander.username, bystander.password).status(), 200);
  const CommandResult missing =
      RunServerCommand(dir_.path(), {"user", "disable", UniqueName("nobody")}, cli_env);
  EXPECT_NE(missing.exit_code, 0) << missing.output;
}

// Passwords, refresh and access tokens never reach the database file or the log.
TEST_F(AuthOwnServerTest, NoSecretIsStoredOrLoggedInClear) {
  // Reads the files of whichever backend the run uses (a local tursodb keeps one too).
  ServerProcess server(dir_.path(), AuthServerConfig({{"LOG_LEVEL", "debug"}}));
  ASSERT_TRUE(server.ready());
  const ApiClient api(server.base_url());
  const std::string password = "Canary-Password-" + UniqueName("pw");
  const TestAccount a = CreateAccount(api, "Store", password);
  const ApiResponse login = api.Login(a.email, password, "Canary device");
  ASSERT_EQ(login.status(), 200) << login;
  const ApiResponse refreshed = api.Refresh(login.Str("refresh_token"));
  ASSERT_EQ(refreshed.status(), 200) << refreshed;
  EXPECT_EQ(api.ChangePassword(refreshed.Str("token"), password, password + "-2").status(), 200);
  ASSERT_TRUE(server.Stop().has_value());

  const std::vector<std::string> secrets = {password,
                                            password + "-2",
                                            a.refresh_token,
                                            login.Str("refresh_token"),
                                            refreshed.Str("refresh_token"),
                                            a.token,
                                            login.Str("token"),
                                            refreshed.Str("token")};
  std::string stored;
  for (const auto& file : server.database_files()) stored += ReadBytes(file);
  ASSERT_GT(stored.size(), 0u);
  const std::string log = server.Output();
  for (const std::string& secret : secrets) {
    ASSERT_FALSE(secret.empty());
    EXPECT_EQ(stored.find(secret), std::string::npos) << "stored in clear: " << secret;
    EXPECT_EQ(log.find(secret), std::string::npos) << "logged: " << secret;
  }

  const auto db = OpenServerDatabase(server);
  ASSERT_NE(db, nullptr);
  auto rows = db->Query({"SELECT password_hash FROM users WHERE id = ?", {a.user_id}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows.size(), 1u);
  const std::string hash = storage::AsText(rows->rows[0][0]);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
}

}  // namespace
}  // namespace howler::testing
