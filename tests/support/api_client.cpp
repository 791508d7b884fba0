#include "support/api_client.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>
#include <set>

namespace howler::testing {
namespace json = boost::json;

namespace {

const json::object& EmptyObject() {
  static const json::object empty;
  return empty;
}

ApiResponse Parse(HttpResult http) {
  ApiResponse response;
  response.http = std::move(http);
  if (!response.http.body.empty()) {
    boost::system::error_code ec;
    json::value parsed = json::parse(response.http.body, ec);
    if (!ec) response.json = std::move(parsed);
  }
  return response;
}

std::string Describe(const ApiResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status());
  if (!response.http.error.empty()) text += " (" + response.http.error + ")";
  return text + " body: " + response.http.body;
}

bool IsString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string();
}

std::string StringOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

json::object DecodeJwtPart(const std::string& token, int index) {
  std::size_t begin = 0;
  for (int i = 0; i < index; ++i) {
    begin = token.find('.', begin);
    if (begin == std::string::npos) return {};
    ++begin;
  }
  const std::size_t end = token.find('.', begin);
  const auto decoded = Base64UrlDecode(
      std::string_view(token).substr(begin, end == std::string::npos ? end : end - begin));
  if (!decoded) return {};
  boost::system::error_code ec;
  json::value v = json::parse(*decoded, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

}  // namespace

const json::object& ApiResponse::Object() const {
  return json.is_object() ? json.get_object() : EmptyObject();
}

std::string ApiResponse::Str(std::string_view key) const {
  return StringOf(Object(), key);
}

const json::object& ApiResponse::UserObject() const {
  const json::value* user = Object().if_contains("user");
  return user != nullptr && user->is_object() ? user->get_object() : EmptyObject();
}

std::ostream& operator<<(std::ostream& out, const ApiResponse& response) {
  return out << Describe(response);
}

ApiClient::ApiClient(std::string base_url) : base_url_(std::move(base_url)) {}

ApiResponse ApiClient::Call(const std::string& method, const std::string& path,
                            const std::optional<json::value>& body, const std::string& bearer,
                            const std::vector<std::string>& headers) const {
  std::vector<std::string> all = headers;
  all.push_back("Accept: application/json");
  if (!bearer.empty()) all.push_back(BearerHeader(bearer));
  std::string text;
  if (body) {
    all.push_back("Content-Type: application/json");
    text = json::serialize(*body);
  }
  return Raw(method, path, all, text);
}

ApiResponse ApiClient::Raw(const std::string& method, const std::string& path,
                           const std::vector<std::string>& headers, const std::string& body) const {
  return Parse(HttpRequest(method, base_url_ + path, headers, body));
}

ApiResponse ApiClient::Signup(const std::string& username, const std::string& email,
                              const std::string& password,
                              const std::vector<std::string>& headers) const {
  return Call("POST", "/api/auth/signup",
              json::value{{"username", username}, {"email", email}, {"password", password}}, {},
              headers);
}

ApiResponse ApiClient::Login(const std::string& username, const std::string& password,
                             const std::optional<std::string>& device_name,
                             const std::vector<std::string>& headers) const {
  json::object body{{"username", username}, {"password", password}};
  if (device_name) body["device_name"] = *device_name;
  return Call("POST", "/api/auth/login", json::value(std::move(body)), {}, headers);
}

ApiResponse ApiClient::Refresh(const std::string& refresh_token) const {
  return Call("POST", "/api/auth/refresh", json::value{{"refresh_token", refresh_token}});
}

ApiResponse ApiClient::Logout(const std::string& bearer,
                              const std::optional<bool>& all_devices) const {
  std::optional<json::value> body;
  if (all_devices) body = json::value{{"all_devices", *all_devices}};
  return Call("POST", "/api/auth/logout", body, bearer);
}

ApiResponse ApiClient::Me(const std::string& bearer) const {
  return Call("GET", "/api/auth/me", std::nullopt, bearer);
}

ApiResponse ApiClient::Profile(const std::string& bearer) const {
  return Call("GET", "/api/auth/profile", std::nullopt, bearer);
}

ApiResponse ApiClient::Sessions(const std::string& bearer) const {
  return Call("GET", "/api/auth/sessions", std::nullopt, bearer);
}

ApiResponse ApiClient::RevokeSession(const std::string& bearer,
                                     const std::string& session_id) const {
  return Call("DELETE", "/api/auth/sessions/" + session_id, std::nullopt, bearer);
}

ApiResponse ApiClient::ChangePassword(const std::string& bearer,
                                      const std::string& current_password,
                                      const std::string& new_password) const {
  return Call("POST", "/api/auth/change-password",
              json::value{{"current_password", current_password}, {"new_password", new_password}},
              bearer);
}

ApiResponse ApiClient::VerifyEmail(const std::string& token) const {
  return Call("POST", "/api/auth/verify-email", json::value{{"token", token}});
}

ApiResponse ApiClient::ResendVerification(const std::string& bearer) const {
  return Call("POST", "/api/auth/resend-verification", std::nullopt, bearer);
}

ApiResponse ApiClient::RequestPasswordReset(const std::string& email) const {
  return Call("POST", "/api/auth/request-password-reset", json::value{{"email", email}});
}

ApiResponse ApiClient::ResetPassword(const std::string& token,
                                     const std::string& new_password) const {
  return Call("POST", "/api/auth/reset-password",
              json::value{{"token", token}, {"new_password", new_password}});
}

std::string UniqueName(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + "_" + std::to_string(getpid()) + "_" +
         std::to_string(counter.fetch_add(1));
}

TestAccount CreateAccount(const ApiClient& api, std::string_view prefix,
                          std::string_view password) {
  TestAccount account;
  account.username = UniqueName(prefix);
  account.email = account.username + "@example.com";
  std::transform(account.email.begin(), account.email.end(), account.email.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  account.password = std::string(password);
  const ApiResponse r = api.Signup(account.username, account.email, account.password);
  if (r.status() != 201) {
    ADD_FAILURE() << "signup of " << account.username << " failed: " << r;
    return account;
  }
  account.user_id = StringOf(r.UserObject(), "id");
  account.token = r.Str("token");
  account.refresh_token = r.Str("refresh_token");
  account.license_key = StringOf(r.UserObject(), "license_key");
  return account;
}

std::string BearerHeader(const std::string& token) {
  return "Authorization: Bearer " + token;
}

::testing::AssertionResult IsApiError(const ApiResponse& response, long status,
                                      std::string_view code, std::string_view message_part) {
  const json::object& o = response.Object();
  const json::value* error = o.if_contains("error");
  const std::string message = StringOf(o, "message");
  if (response.status() != status || error == nullptr || !error->is_bool() || !error->get_bool() ||
      StringOf(o, "code") != code || message.empty() ||
      message.find(message_part) == std::string::npos ||
      response.Header("content-type").rfind("application/json", 0) != 0) {
    return ::testing::AssertionFailure()
           << "expected " << status << " " << code << " with a message containing '" << message_part
           << "', got " << Describe(response)
           << " content-type: " << response.Header("content-type");
  }
  return ::testing::AssertionSuccess();
}

bool IsWireTimestamp(const json::value& value) {
  return value.is_string() && ParseWireTimestamp(value.get_string()).has_value();
}

::testing::AssertionResult IsUser(const json::value& user) {
  if (!user.is_object()) return ::testing::AssertionFailure() << "user is not an object: " << user;
  const json::object& o = user.get_object();
  const std::set<std::string> expected = {"id",         "username",       "email",
                                          "role",       "email_verified", "active",
                                          "created_at", "updated_at",     "last_login"};
  std::set<std::string> keys;
  for (const auto& [key, value] : o) keys.emplace(key);
  if (keys != expected) return ::testing::AssertionFailure() << "user fields differ: " << user;
  const json::value& last_login = o.at("last_login");
  if (StringOf(o, "id").empty() || StringOf(o, "username").empty() ||
      StringOf(o, "email").find('@') == std::string::npos || StringOf(o, "role").empty() ||
      !o.at("email_verified").is_bool() || !o.at("active").is_bool() ||
      !IsWireTimestamp(o.at("created_at")) || !IsWireTimestamp(o.at("updated_at")) ||
      !(last_login.is_null() || IsWireTimestamp(last_login))) {
    return ::testing::AssertionFailure() << "user field types differ: " << user;
  }
  return ::testing::AssertionSuccess();
}

namespace {

// A TokenPair whose user is `user` (the answer's user, without its license key when any).
::testing::AssertionResult IsTokenPairWithUser(const ApiResponse& response,
                                               const json::value& user) {
  const json::object& o = response.Object();
  const json::value* success = o.if_contains("success");
  if (success == nullptr || !success->is_bool() || !success->get_bool() || !IsString(o, "token") ||
      !IsString(o, "refresh_token") || !IsString(o, "expires_at")) {
    return ::testing::AssertionFailure() << "not a TokenPair: " << Describe(response);
  }
  if (auto is_user = IsUser(user); !is_user) return is_user;
  const std::string token = StringOf(o, "token");
  const json::object header = JwtHeader(token);
  const json::object payload = JwtPayload(token);
  const auto expires_at = ParseWireTimestamp(StringOf(o, "expires_at"));
  const json::value* exp = payload.if_contains("exp");
  if (StringOf(header, "alg") != "HS256" || exp == nullptr || !exp->is_int64() || !expires_at ||
      *expires_at / 1000 != exp->get_int64() || *expires_at <= NowUnixMillis() ||
      StringOf(o, "refresh_token").empty() || StringOf(o, "refresh_token") == token) {
    return ::testing::AssertionFailure()
           << "token, expires_at or refresh_token wrong: " << Describe(response);
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult IsTokenPair(const ApiResponse& response) {
  const json::value* user = response.Object().if_contains("user");
  if (user == nullptr) return ::testing::AssertionFailure() << "no user: " << Describe(response);
  return IsTokenPairWithUser(response, *user);
}

::testing::AssertionResult IsSignInAnswer(const ApiResponse& response) {
  const json::value* user = response.Object().if_contains("user");
  if (user == nullptr || !user->is_object()) {
    return ::testing::AssertionFailure() << "no user: " << Describe(response);
  }
  json::object without_key = user->get_object();
  const json::value* key = user->get_object().if_contains("license_key");
  if (key == nullptr || !key->is_string() || !IsClientLicenseKey(std::string(key->get_string()))) {
    return ::testing::AssertionFailure() << "no license key the client accepts: " << *user;
  }
  without_key.erase("license_key");
  return IsTokenPairWithUser(response, without_key);
}

bool IsClientLicenseKey(const std::string& key) {
  static const std::regex pattern("^SQL-([A-Z]+)-([0-9a-f-]+)-([A-F0-9]{4})$", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(key, m, pattern)) return false;
  std::uint16_t crc = 0xFFFF;  // CRC-16/CCITT-FALSE
  for (const char c : m[1].str() + "-" + m[2].str()) {
    crc ^= static_cast<std::uint16_t>(static_cast<unsigned char>(c) << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<std::uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
  }
  char expected[5];
  std::snprintf(expected, sizeof expected, "%04X", crc);
  std::string given = m[3].str();
  for (char& c : given) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return given == expected;
}

std::optional<std::int64_t> ParseWireTimestamp(std::string_view text) {
  static const std::regex re(R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, re)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 59) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + std::stoi(m[7]);
}

std::int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64UrlAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kBase64UrlAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const std::size_t index = kBase64UrlAlphabet.find(c);
    if (index == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (text.size() % 4 == 1) return std::nullopt;
  return out;
}

json::object JwtHeader(const std::string& token) {
  return DecodeJwtPart(token, 0);
}

ServerConfig AuthServerConfig(const std::map<std::string, std::string>& env) {
  ServerConfig config;
  config.env = env;
  config.env.try_emplace("JWT_SECRET", std::string(kTestJwtSecret));
  config.env.try_emplace("RATE_LIMIT_AUTH_PER_MIN", "10000");
  return config;
}

json::object JwtPayload(const std::string& token) {
  return DecodeJwtPart(token, 1);
}

}  // namespace howler::testing
