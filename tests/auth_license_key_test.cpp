// License keys through the real binary (API.md "Auth" and "Sync"): every sign-up and
// sign-in answer carries a key the desktop client accepts; the key authenticates the sync
// routes as its session's user and nothing else; it ends with its session (logout,
// revocation, password change); the server never writes it to its log.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "support/api_client.h"
#include "support/sync_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

// The most verbose log, so that the log check covers every line the server can write.
class AuthLicenseKeyTest : public SharedServerTest<AuthLicenseKeyTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() { return {{"LOG_LEVEL", "trace"}}; }

 protected:
  // A new session of `a` from a login: its answer, checked.
  static ApiResponse SignIn(const TestAccount& a, const std::string& device) {
    ApiResponse r = api().Login(a.username, a.password, device);
    EXPECT_EQ(r.status(), 200) << r;
    EXPECT_TRUE(IsSignInAnswer(r));
    return r;
  }
  static std::string KeyOf(const ApiResponse& sign_in) {
    const json::value* key = sign_in.UserObject().if_contains("license_key");
    return key != nullptr && key->is_string() ? std::string(key->get_string()) : std::string();
  }
  // The status of GET /api/sync/download?device_id=d1 with `Authorization: Bearer <credential>`.
  static long SyncStatus(const std::string& credential) {
    return Download(api(), credential, "d1").status();
  }
  // Nothing the server wrote so far mentions any of `keys`, nor a key's secret uuid.
  static void ExpectNotLogged(const std::vector<std::string>& keys) {
    const std::string log = server().Output();
    ASSERT_NE(log.find("/api/sync/download"), std::string::npos) << "the request log is on";
    for (const std::string& key : keys) {
      ASSERT_EQ(key.size(), 56u) << key;
      EXPECT_EQ(log.find(key), std::string::npos) << "the log holds " << key;
      EXPECT_EQ(log.find(key.substr(15, 36)), std::string::npos) << key;
    }
  }
};

TEST_F(AuthLicenseKeyTest, SignupAnswerCarriesAKeyTheClientAcceptsAndSyncTakesIt) {
  const std::string username = UniqueName("Lk");
  const ApiResponse signup =
      api().Signup(username, username + "@example.com", std::string(kTestPassword));
  ASSERT_EQ(signup.status(), 201) << signup;
  EXPECT_TRUE(IsSignInAnswer(signup));
  const std::string key = KeyOf(signup);
  ASSERT_TRUE(IsClientLicenseKey(key)) << key;
  EXPECT_EQ(key.rfind("SQL-INDIVIDUAL-", 0), 0u) << key;
  const std::string token = signup.Str("token");

  // The key is the sync credential of the signed-up user: what it uploads is that user's.
  const ApiResponse download = Download(api(), key, "d1");
  ASSERT_EQ(download.status(), 200) << download;
  const json::object item = {{"name", "from the key"}, {"query", "SELECT 1"}};
  const ApiResponse up =
      Upload(api(), key, "d1", {Change("c1", "saved_query", "q1", "create", 0, item)});
  ASSERT_EQ(up.status(), 200) << up;
  EXPECT_EQ(Statuses(up), std::vector<std::string>{"applied"});
  const Downloaded seen = DownloadAll(api(), token, "d2");
  const json::object* q1 = FindItem(seen, "q1");
  ASSERT_NE(q1, nullptr);
  EXPECT_EQ(q1->at("name"), "from the key");
  for (const char* path : {"/api/sync/devices", "/api/sync/conflicts"}) {
    EXPECT_EQ(api().Call("GET", path, std::nullopt, key).status(), 200) << path;
  }

  // It is accepted by the sync routes only, and never shown again.
  EXPECT_TRUE(IsApiError(api().Me(key), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Sessions(key), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Logout(key), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().ChangePassword(key, std::string(kTestPassword), "another pass 1"),
                         401, "UNAUTHORIZED"));
  for (const ApiResponse& r : {api().Me(token), api().Sessions(token)}) {
    EXPECT_EQ(r.status(), 200) << r;
    EXPECT_EQ(r.http.body.find(key), std::string::npos) << r;
    EXPECT_EQ(r.http.body.find("license_key"), std::string::npos) << r;
  }
  const ApiResponse refreshed = api().Refresh(signup.Str("refresh_token"));
  EXPECT_TRUE(IsTokenPair(refreshed)) << "a refresh answer has no key";
  EXPECT_EQ(SyncStatus(key), 200) << "a refresh keeps the session and its key";

  ASSERT_EQ(api().Logout(refreshed.Str("token")).status(), 200);
  EXPECT_TRUE(IsApiError(Download(api(), key, "d1"), 401, "UNAUTHORIZED"));
  ExpectNotLogged({key});
}

TEST_F(AuthLicenseKeyTest, EachSignInGetsItsOwnKeyThatEndsWithItsSession) {
  const TestAccount a = CreateAccount(api(), "Lk");
  const ApiResponse second = SignIn(a, "phone");
  const ApiResponse third = SignIn(a, "tablet");
  const std::string keys[] = {a.license_key, KeyOf(second), KeyOf(third)};
  EXPECT_NE(keys[0], keys[1]);
  EXPECT_NE(keys[1], keys[2]);
  EXPECT_NE(keys[0], keys[2]);
  for (const std::string& key : keys) EXPECT_EQ(SyncStatus(key), 200) << key;

  // Revoking the second session ends its key only.
  const std::string second_session = JwtPayload(second.Str("token")).at("sid").as_string().c_str();
  ASSERT_EQ(api().RevokeSession(a.token, second_session).status(), 200);
  EXPECT_EQ(SyncStatus(keys[1]), 401);
  EXPECT_EQ(SyncStatus(keys[0]), 200);
  EXPECT_EQ(SyncStatus(keys[2]), 200);

  // A password change keeps the caller's session and key, and ends the others'.
  ASSERT_EQ(api().ChangePassword(a.token, std::string(kTestPassword), "a new password 1").status(),
            200);
  EXPECT_EQ(SyncStatus(keys[0]), 200);
  EXPECT_EQ(SyncStatus(keys[2]), 401);

  // Another user's key never reaches this user's items, and a made-up key is refused.
  const TestAccount b = CreateAccount(api(), "Lk");
  // (A key gets the desktop client's download shape: API.md, "The desktop client's sync
  // dialect".)
  const ApiResponse of_b =
      api().Call("GET", "/api/sync/download?since=1970-01-01T00:00:00.000Z&limit=100&device_id=d1",
                 std::nullopt, b.license_key);
  ASSERT_EQ(of_b.status(), 200) << of_b;
  for (const char* key : {"connections", "savedQueries", "queryHistory", "reports"}) {
    EXPECT_TRUE(of_b.Object().at(key).as_array().empty()) << of_b;
  }
  std::string forged = b.license_key;
  forged[20] = forged[20] == 'a' ? 'b' : 'a';
  EXPECT_EQ(SyncStatus(forged), 401);
  ExpectNotLogged({keys[0], keys[1], keys[2], b.license_key, forged});
}

// Refused uses (a non-sync route, an ended session, a mangled key) and the trace log
// level do not put the key into the log either.
TEST_F(AuthLicenseKeyTest, RefusedKeysAreNotLoggedEither) {
  const TestAccount a = CreateAccount(api(), "Lk");
  EXPECT_EQ(SyncStatus(a.license_key), 200);
  EXPECT_EQ(api().Me(a.license_key).status(), 401);
  EXPECT_EQ(api()
                .Raw("GET", "/api/sync/download?device_id=d1",
                     {"Authorization: Bearer " + a.license_key + "0"})
                .status(),
            401);
  ASSERT_EQ(api().Logout(a.token).status(), 200);
  EXPECT_EQ(SyncStatus(a.license_key), 401);
  ExpectNotLogged({a.license_key});
}

}  // namespace
}  // namespace howler::testing
