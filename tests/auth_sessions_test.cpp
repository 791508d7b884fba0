// Sessions through the real binary (API.md "Auth"): logout and logout-all taking effect at
// once, the sessions list and revoking a session (404 for another user's), and
// change-password ending the other sessions.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "support/api_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;

// Sessions are checked on the instance that revoked them without any cache delay, so this
// suite keeps the default SESSION_CACHE_TTL.
class AuthSessionsTest : public SharedServerTest<AuthSessionsTest> {
 protected:
  // A second session of `a`, from a login.
  static ApiResponse SecondSession(const TestAccount& a, const std::string& device = "second") {
    ApiResponse r = api().Login(a.username, a.password, device);
    EXPECT_EQ(r.status(), 200) << r;
    return r;
  }
};

std::string SessionId(const std::string& token) {
  const json::object claims = JwtPayload(token);
  const json::value* sid = claims.if_contains("sid");
  return sid != nullptr && sid->is_string() ? std::string(sid->get_string()) : std::string();
}

// The entries of GET /sessions, checking the documented shape of each.
std::vector<json::object> ListSessions(const ApiClient& api, const std::string& bearer) {
  const ApiResponse r = api.Sessions(bearer);
  EXPECT_EQ(r.status(), 200) << r;
  const json::value* list = r.Object().if_contains("sessions");
  if (list == nullptr || !list->is_array()) {
    ADD_FAILURE() << "no sessions array: " << r;
    return {};
  }
  std::vector<json::object> sessions;
  for (const json::value& v : list->get_array()) {
    EXPECT_TRUE(v.is_object()) << v;
    if (!v.is_object()) continue;
    const json::object& s = v.get_object();
    std::set<std::string> keys;
    for (const auto& [key, value] : s) keys.emplace(key);
    EXPECT_EQ(keys, (std::set<std::string>{"id", "device_name", "ip_address", "user_agent",
                                           "created_at", "last_seen_at", "current"}))
        << v;
    EXPECT_TRUE(s.contains("id") && s.at("id").is_string()) << v;
    EXPECT_TRUE(s.contains("device_name") && s.at("device_name").is_string()) << v;
    EXPECT_TRUE(s.contains("user_agent") && s.at("user_agent").is_string()) << v;
    EXPECT_TRUE(s.contains("current") && s.at("current").is_bool()) << v;
    EXPECT_TRUE(s.contains("created_at") && IsWireTimestamp(s.at("created_at"))) << v;
    EXPECT_TRUE(s.contains("last_seen_at") && IsWireTimestamp(s.at("last_seen_at"))) << v;
    sessions.push_back(s);
  }
  return sessions;
}

const json::object* FindSession(const std::vector<json::object>& sessions, const std::string& id) {
  for (const json::object& s : sessions) {
    if (s.contains("id") && s.at("id") == json::string_view(id)) return &s;
  }
  return nullptr;
}

TEST_F(AuthSessionsTest, LogoutEndsThatSessionAtOnceAndOnlyThatOne) {
  const TestAccount a = CreateAccount(api(), "Out");
  const ApiResponse b = SecondSession(a);
  const ApiResponse out = api().Logout(a.token);
  ASSERT_EQ(out.status(), 200) << out;
  EXPECT_EQ(out.Object().at("success"), true);
  EXPECT_TRUE(IsApiError(api().Me(a.token), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Refresh(a.refresh_token), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Logout(a.token), 401, "UNAUTHORIZED"));
  EXPECT_EQ(api().Me(b.Str("token")).status(), 200);
  const ApiResponse refreshed = api().Refresh(b.Str("refresh_token"));
  EXPECT_EQ(refreshed.status(), 200) << refreshed;
  EXPECT_EQ(FindSession(ListSessions(api(), refreshed.Str("token")), SessionId(a.token)), nullptr)
      << "a logged-out session is not listed";
}

TEST_F(AuthSessionsTest, LogoutWithAllDevicesFalseEndsOnlyTheCurrentSession) {
  const TestAccount a = CreateAccount(api(), "OutF");
  const ApiResponse b = SecondSession(a);
  const ApiResponse out = api().Logout(a.token, false);
  ASSERT_EQ(out.status(), 200) << out;
  EXPECT_EQ(out.Object().at("success"), true);
  EXPECT_TRUE(IsApiError(api().Me(a.token), 401, "UNAUTHORIZED"));
  EXPECT_EQ(api().Me(b.Str("token")).status(), 200);
}

TEST_F(AuthSessionsTest, LogoutAllDevicesEndsEverySessionAtOnce) {
  const TestAccount a = CreateAccount(api(), "OutAll");
  const ApiResponse b = SecondSession(a, "laptop");
  const ApiResponse c = SecondSession(a, "desktop");
  const TestAccount other = CreateAccount(api(), "OutOther");
  const ApiResponse out = api().Logout(b.Str("token"), true);
  ASSERT_EQ(out.status(), 200) << out;
  EXPECT_EQ(out.Object().at("success"), true);
  for (const auto& [token, refresh] :
       {std::pair{a.token, a.refresh_token}, std::pair{b.Str("token"), b.Str("refresh_token")},
        std::pair{c.Str("token"), c.Str("refresh_token")}}) {
    EXPECT_TRUE(IsApiError(api().Me(token), 401, "UNAUTHORIZED"));
    EXPECT_TRUE(IsApiError(api().Refresh(refresh), 401, "UNAUTHORIZED"));
  }
  EXPECT_EQ(api().Me(other.token).status(), 200) << "another user's sessions are untouched";
  const ApiResponse again = api().Login(a.username, a.password);
  EXPECT_EQ(again.status(), 200) << "the account itself still works: " << again;
}

TEST_F(AuthSessionsTest, SessionsListShowsEachDeviceAndMarksTheCurrentOne) {
  const TestAccount a = CreateAccount(api(), "List");
  const TestAccount other = CreateAccount(api(), "ListOther");
  const std::string agent = "HowlerOps-Desktop/2.1.0 (Linux x86_64)";
  // Without TRUSTED_PROXIES a forged X-Forwarded-For must not become the session's address.
  const ApiResponse laptop = api().Login(
      a.email, a.password, "Work laptop",
      {"User-Agent: " + agent, "X-Forwarded-For: 203.0.113.66", "X-Real-IP: 203.0.113.67"});
  ASSERT_EQ(laptop.status(), 200) << laptop;

  const std::vector<json::object> sessions = ListSessions(api(), laptop.Str("token"));
  ASSERT_EQ(sessions.size(), 2u);
  const json::object* mine = FindSession(sessions, SessionId(laptop.Str("token")));
  const json::object* first = FindSession(sessions, SessionId(a.token));
  ASSERT_NE(mine, nullptr);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(mine->at("current"), true);
  EXPECT_EQ(first->at("current"), false);
  EXPECT_EQ(mine->at("device_name"), "Work laptop");
  EXPECT_EQ(mine->at("user_agent"), json::string_view(agent));
  EXPECT_EQ(mine->at("ip_address"), "127.0.0.1");
  EXPECT_EQ(first->at("ip_address"), "127.0.0.1");
  EXPECT_EQ(FindSession(sessions, SessionId(other.token)), nullptr);

  const std::vector<json::object> from_first = ListSessions(api(), a.token);
  ASSERT_EQ(from_first.size(), 2u);
  ASSERT_NE(FindSession(from_first, SessionId(a.token)), nullptr);
  EXPECT_EQ(FindSession(from_first, SessionId(a.token))->at("current"), true);
  EXPECT_EQ(FindSession(from_first, SessionId(laptop.Str("token")))->at("current"), false);
}

TEST_F(AuthSessionsTest, RevokingASessionEndsItAndOnlyTheCallersSessionsCanBeRevoked) {
  const TestAccount a = CreateAccount(api(), "Rev");
  const ApiResponse b = SecondSession(a, "phone");
  const TestAccount victim = CreateAccount(api(), "RevVictim");

  const ApiResponse foreign = api().RevokeSession(a.token, SessionId(victim.token));
  EXPECT_TRUE(IsApiError(foreign, 404, "NOT_FOUND"));
  EXPECT_EQ(api().Me(victim.token).status(), 200) << "the other user's session still works";
  EXPECT_EQ(ListSessions(api(), victim.token).size(), 1u);
  EXPECT_TRUE(IsApiError(api().RevokeSession(a.token, "0190a0c0-0000-7000-8000-000000000000"), 404,
                         "NOT_FOUND"));
  EXPECT_TRUE(IsApiError(api().RevokeSession("", SessionId(b.Str("token"))), 401, "UNAUTHORIZED"));
  EXPECT_EQ(api().Me(b.Str("token")).status(), 200);

  const ApiResponse revoked = api().RevokeSession(a.token, SessionId(b.Str("token")));
  ASSERT_EQ(revoked.status(), 200) << revoked;
  EXPECT_TRUE(IsApiError(api().Me(b.Str("token")), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Refresh(b.Str("refresh_token")), 401, "UNAUTHORIZED"));
  EXPECT_EQ(api().Me(a.token).status(), 200);
  const std::vector<json::object> left = ListSessions(api(), a.token);
  EXPECT_EQ(left.size(), 1u);
  EXPECT_EQ(FindSession(left, SessionId(b.Str("token"))), nullptr);
}

TEST_F(AuthSessionsTest, RevokingTheCurrentSessionEndsIt) {
  const TestAccount a = CreateAccount(api(), "RevSelf");
  const ApiResponse revoked = api().RevokeSession(a.token, SessionId(a.token));
  ASSERT_EQ(revoked.status(), 200) << revoked;
  EXPECT_TRUE(IsApiError(api().Me(a.token), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Refresh(a.refresh_token), 401, "UNAUTHORIZED"));
}

TEST_F(AuthSessionsTest, ChangePasswordEndsTheOtherSessions) {
  const TestAccount a = CreateAccount(api(), "Chg");
  const ApiResponse b = SecondSession(a, "old laptop");
  const std::string new_password = "a much better passphrase \xE2\x9C\x93";
  const ApiResponse changed = api().ChangePassword(a.token, a.password, new_password);
  ASSERT_EQ(changed.status(), 200) << changed;

  EXPECT_EQ(api().Me(a.token).status(), 200) << "the calling session continues";
  EXPECT_TRUE(IsApiError(api().Me(b.Str("token")), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Refresh(b.Str("refresh_token")), 401, "UNAUTHORIZED"));
  const ApiResponse old_login = api().Login(a.username, a.password);
  EXPECT_TRUE(IsApiError(old_login, 401, "UNAUTHORIZED"));
  EXPECT_EQ(old_login.Str("message"), "invalid username or password");
  const ApiResponse new_login = api().Login(a.username, new_password);
  EXPECT_EQ(new_login.status(), 200) << new_login;
  const ApiResponse own_refresh = api().Refresh(a.refresh_token);
  EXPECT_EQ(own_refresh.status(), 200)
      << "the calling session's refresh token still works: " << own_refresh;
}

TEST_F(AuthSessionsTest, ChangePasswordRejectsAWrongCurrentPasswordAndAWeakNewOne) {
  const TestAccount a = CreateAccount(api(), "ChgBad");
  const ApiResponse b = SecondSession(a);
  EXPECT_TRUE(IsApiError(api().ChangePassword(a.token, "not my password", "fine new password"), 401,
                         "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().ChangePassword(a.token, a.password, "short"), 400, "INVALID_REQUEST",
                         "new_password"));
  EXPECT_TRUE(IsApiError(api().ChangePassword(a.token, a.password, std::string(1025, 'n')), 400,
                         "INVALID_REQUEST", "new_password"));
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/auth/change-password",
                                    json::value{{"new_password", "fine new password"}}, a.token),
                         400, "INVALID_REQUEST", "current_password"));
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/auth/change-password",
                                    json::value{{"current_password", a.password}}, a.token),
                         400, "INVALID_REQUEST", "new_password"));
  EXPECT_TRUE(
      IsApiError(api().ChangePassword("", a.password, "fine new password"), 401, "UNAUTHORIZED"));
  // Nothing changed: the password and both sessions still work.
  EXPECT_EQ(api().Me(a.token).status(), 200);
  EXPECT_EQ(api().Me(b.Str("token")).status(), 200);
  EXPECT_EQ(api().Login(a.username, a.password).status(), 200);
}

}  // namespace
}  // namespace howler::testing
