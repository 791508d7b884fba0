// ApiClient: the HTTP API spoken as the desktop client speaks it (JSON bodies, Bearer
// tokens), with responses parsed into Boost.JSON values, plus GoogleTest predicates for the
// shapes API.md defines (error body, User, TokenPair). Used by the integration tests.
// Thread-safety: an ApiClient is immutable after construction; calls may run concurrently.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace howler::testing {

// One HTTP response and its JSON body (null when the body is empty or not JSON).
struct ApiResponse {
  HttpResult http;
  boost::json::value json;

  long status() const { return http.status; }
  std::string Header(const std::string& lower_name) const { return http.Header(lower_name); }
  // The body object, or an empty object when the body is not one.
  const boost::json::object& Object() const;
  // A top-level string field, or "" when missing or not a string.
  std::string Str(std::string_view key) const;
  // The "user" object of the body, or an empty object.
  const boost::json::object& UserObject() const;
};

// Prints status and body, so that `<< response` explains a failed assertion.
std::ostream& operator<<(std::ostream& out, const ApiResponse& response);

class ApiClient {
 public:
  explicit ApiClient(std::string base_url);

  const std::string& base_url() const { return base_url_; }

  // A request with an optional JSON body (sent as application/json), an optional bearer
  // token and extra header lines.
  ApiResponse Call(const std::string& method, const std::string& path,
                   const std::optional<boost::json::value>& body = std::nullopt,
                   const std::string& bearer = {},
                   const std::vector<std::string>& headers = {}) const;
  // A request whose body and headers are exactly as given (no Content-Type added).
  ApiResponse Raw(const std::string& method, const std::string& path,
                  const std::vector<std::string>& headers, const std::string& body = {}) const;

  ApiResponse Signup(const std::string& username, const std::string& email,
                     const std::string& password,
                     const std::vector<std::string>& headers = {}) const;
  ApiResponse Login(const std::string& username, const std::string& password,
                    const std::optional<std::string>& device_name = std::nullopt,
                    const std::vector<std::string>& headers = {}) const;
  ApiResponse Refresh(const std::string& refresh_token) const;
  // No body at all unless `all_devices` is given.
  ApiResponse Logout(const std::string& bearer,
                     const std::optional<bool>& all_devices = std::nullopt) const;
  ApiResponse Me(const std::string& bearer) const;
  ApiResponse Profile(const std::string& bearer) const;
  ApiResponse Sessions(const std::string& bearer) const;
  ApiResponse RevokeSession(const std::string& bearer, const std::string& session_id) const;
  ApiResponse ChangePassword(const std::string& bearer, const std::string& current_password,
                             const std::string& new_password) const;
  ApiResponse VerifyEmail(const std::string& token) const;
  ApiResponse ResendVerification(const std::string& bearer) const;
  ApiResponse RequestPasswordReset(const std::string& email) const;
  ApiResponse ResetPassword(const std::string& token, const std::string& new_password) const;

 private:
  std::string base_url_;
};

inline constexpr std::string_view kTestPassword = "correct horse battery staple";

// A name unique within this test process and across processes (pid and a counter), usable
// as a username (letters, digits and '_', at most 32 characters for prefixes up to 12).
std::string UniqueName(std::string_view prefix);

// An account signed up through the API, with the tokens of its first session.
struct TestAccount {
  std::string username;
  std::string email;
  std::string password;
  std::string user_id;
  std::string token;
  std::string refresh_token;
  std::string license_key;  // the first session's (user.license_key of the answer)
};

// Signs up a fresh account named after `prefix` (email `<name>@example.com`, lower-cased). Adds a
// test failure when the server does not answer 201; the fields it could not get stay empty.
TestAccount CreateAccount(const ApiClient& api, std::string_view prefix,
                          std::string_view password = kTestPassword);

// "Authorization: Bearer <token>".
std::string BearerHeader(const std::string& token);

// --- shapes (API.md) ---

// The documented error body with this status and code: `{"error": true, "code", "message"}`
// with a non-empty message containing `message_part`, served as application/json.
::testing::AssertionResult IsApiError(const ApiResponse& response, long status,
                                      std::string_view code, std::string_view message_part = {});
// A User: exactly the documented fields with their types, timestamps in wire format.
::testing::AssertionResult IsUser(const boost::json::value& user);
// A TokenPair: success true, a User, an HS256 access JWT whose exp matches expires_at
// (in the future), and a non-empty refresh token. The answer of a refresh.
::testing::AssertionResult IsTokenPair(const ApiResponse& response);
// The answer of a sign-up or sign-in: a TokenPair whose User also has `license_key`, a key
// the desktop client accepts (IsClientLicenseKey).
::testing::AssertionResult IsSignInAnswer(const ApiResponse& response);
// What the desktop client's own check accepts, rewritten from its code: the regex
// /^SQL-([A-Z]+)-([0-9a-f-]+)-([A-F0-9]{4})$/i and the CRC-16/CCITT-FALSE of `TIER-uuid`
// equal to the last group.
bool IsClientLicenseKey(const std::string& key);
// RFC 3339 UTC with milliseconds: "2026-11-25T11:56:35.055Z".
bool IsWireTimestamp(const boost::json::value& value);

// --- encodings ---

// Milliseconds since the epoch of a wire timestamp, or nullopt when not in wire format.
std::optional<std::int64_t> ParseWireTimestamp(std::string_view text);
std::int64_t NowUnixMillis();

std::string Base64UrlEncode(std::string_view bytes);  // no padding
std::optional<std::string> Base64UrlDecode(std::string_view text);

// The decoded header and payload objects of a JWT, or empty objects when malformed.
boost::json::object JwtHeader(const std::string& token);
boost::json::object JwtPayload(const std::string& token);

// --- servers ---

inline constexpr std::string_view kTestJwtSecret =
    "integration-test-jwt-secret-0123456789abcdef0123456789";

// Configuration for auth tests: the known JWT secret above and the per-IP auth rate limit
// out of the way (every test request comes from 127.0.0.1); `env` entries are added or
// override these.
ServerConfig AuthServerConfig(const std::map<std::string, std::string>& env = {});

// A fixture base with one server for the whole suite (tests that do not interfere).
// `Derived` may define a public `static std::map<std::string, std::string> ExtraEnv()`,
// read when the server starts: in the suite's first test's SetUp, not in SetUpTestSuite.
// gtest reports every test of a suite whose SetUpTestSuite failed as SKIPPED, which would
// hide a server that did not start; a failure in SetUp fails the test with the server's
// output. Derived fixtures call SharedServerTest::SetUp() before anything else.
template <typename Derived>
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {}
  static void TearDownTestSuite() {
    delete api_;
    delete server_;
    delete dir_;
    api_ = nullptr;
    server_ = nullptr;
    dir_ = nullptr;
  }
  static std::map<std::string, std::string> ExtraEnv() { return {}; }
  void SetUp() override {
    if (server_ == nullptr) {
      dir_ = new TempDir();
      server_ = new ServerProcess(dir_->path(), AuthServerConfig(Derived::ExtraEnv()));
      api_ = new ApiClient(server_->base_url());
      started_ = !HasFailure() && server_->ready();
    }
    ASSERT_TRUE(started_) << "the shared server did not start (its log follows)";
  }
  // After a failure, the end of the server's log explains what the server saw.
  void TearDown() override {
    if (HasFailure()) {
      const std::string log = server_->Output();
      std::cerr << "--- server log (end) ---\n"
                << log.substr(log.size() > 6000 ? log.size() - 6000 : 0) << "\n";
    }
  }

  static const ApiClient& api() { return *api_; }
  static ServerProcess& server() { return *server_; }

 private:
  static inline TempDir* dir_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
  static inline ApiClient* api_ = nullptr;
  static inline bool started_ = false;
};

}  // namespace howler::testing
