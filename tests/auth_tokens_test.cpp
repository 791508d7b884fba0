// Tokens through the real binary (API.md "Auth" rules): only HS256 access tokens signed with
// the configured secret, carrying a live session, are accepted; refresh tokens rotate, with
// the grace path for the token just before the current one, reuse of an older one revoking
// the session, and concurrent refreshes yielding one rotation; expiry of both.
#include <gtest/gtest.h>
#include <jwt.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <latch>
#include <set>
#include <thread>

#include "support/api_client.h"

namespace howler::testing {
namespace {
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// --- forging JWTs ---

std::string HmacSha256(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<char*>(mac), sizeof(mac));
}

std::string HmacSha512(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha512_state state;
  unsigned char mac[crypto_auth_hmacsha512_BYTES];
  crypto_auth_hmacsha512_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha512_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  crypto_auth_hmacsha512_final(&state, mac);
  return std::string(reinterpret_cast<char*>(mac), sizeof(mac));
}

std::string SigningInput(const json::object& header, const json::object& claims) {
  return Base64UrlEncode(json::serialize(header)) + "." + Base64UrlEncode(json::serialize(claims));
}

std::string SignHs256(const json::object& claims, std::string_view secret) {
  const std::string input = SigningInput({{"alg", "HS256"}, {"typ", "JWT"}}, claims);
  return input + "." + Base64UrlEncode(HmacSha256(secret, input));
}

std::string SignHs512(const json::object& claims, std::string_view secret) {
  const std::string input = SigningInput({{"alg", "HS512"}, {"typ", "JWT"}}, claims);
  return input + "." + Base64UrlEncode(HmacSha512(secret, input));
}

// HS384 is not in libsodium: libjwt signs it.
std::string SignHs384(const json::object& claims, std::string_view secret) {
  jwt_t* jwt = nullptr;
  if (jwt_new(&jwt) != 0) return {};
  std::string token;
  if (jwt_add_grants_json(jwt, json::serialize(claims).c_str()) == 0 &&
      jwt_set_alg(jwt, JWT_ALG_HS384, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) == 0) {
    if (char* encoded = jwt_encode_str(jwt)) {
      token = encoded;
      std::free(encoded);
    }
  }
  jwt_free(jwt);
  return token;
}

std::string Unsigned(const json::object& claims, std::string_view alg) {
  return SigningInput({{"alg", alg}, {"typ", "JWT"}}, claims) + ".";
}

std::int64_t NowSeconds() {
  return NowUnixMillis() / 1000;
}

// The claims of `token` made fresh: a new jti, issued now, valid for ten minutes.
json::object FreshClaims(const std::string& token) {
  json::object claims = JwtPayload(token);
  const std::int64_t now = NowSeconds();
  claims["jti"] = UniqueName("forged-jti");
  claims["iat"] = now;
  claims["nbf"] = now;
  claims["exp"] = now + 600;
  return claims;
}

std::string SessionId(const std::string& token) {
  const json::object claims = JwtPayload(token);
  const json::value* sid = claims.if_contains("sid");
  return sid != nullptr && sid->is_string() ? std::string(sid->get_string()) : std::string();
}

// Runs `count` copies of `call` at once (released together) and returns their results.
std::vector<ApiResponse> RunTogether(int count, const std::function<ApiResponse()>& call) {
  std::vector<ApiResponse> results(count);
  std::latch start(count);
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = call();
    });
  }
  for (std::thread& t : threads) t.join();
  return results;
}

class AuthTokensTest : public SharedServerTest<AuthTokensTest> {
 protected:
  static void SetUpTestSuite() {
    ASSERT_GE(sodium_init(), 0);
    SharedServerTest::SetUpTestSuite();
  }

  // Asserts that `token` is refused by every Bearer endpoint.
  static void ExpectRejected(const std::string& token, const std::string& what) {
    SCOPED_TRACE(what + ": " + token);
    EXPECT_TRUE(IsApiError(api().Me(token), 401, "UNAUTHORIZED"));
    EXPECT_TRUE(IsApiError(api().Sessions(token), 401, "UNAUTHORIZED"));
    EXPECT_TRUE(IsApiError(api().Logout(token), 401, "UNAUTHORIZED"));
  }
};

// The control for every forgery below: the same claims signed as the server signs them work,
// so each rejection is due to the one thing changed.
TEST_F(AuthTokensTest, ReSignedWithOurSecretAndHs256IsAccepted) {
  const TestAccount a = CreateAccount(api(), "Ctl");
  const std::string token = SignHs256(FreshClaims(a.token), kTestJwtSecret);
  const ApiResponse me = api().Me(token);
  ASSERT_EQ(me.status(), 200) << me;
  EXPECT_EQ(me.UserObject().at("id"), json::string_view(a.user_id));
}

TEST_F(AuthTokensTest, OtherAlgorithmsWithOurSecretAreRejected) {
  const TestAccount a = CreateAccount(api(), "Alg");
  const json::object claims = FreshClaims(a.token);
  ExpectRejected(SignHs512(claims, kTestJwtSecret), "HS512");
  const std::string hs384 = SignHs384(claims, kTestJwtSecret);
  ASSERT_EQ(JwtHeader(hs384).at("alg"), "HS384");
  ExpectRejected(hs384, "HS384");
  for (const char* none : {"none", "None", "NONE", "nOnE"}) {
    ExpectRejected(Unsigned(claims, none), std::string("alg ") + none);
  }
  // alg none carrying a valid HS256 signature of the same claims.
  const std::string signed_token = SignHs256(claims, kTestJwtSecret);
  const std::string signature = signed_token.substr(signed_token.rfind('.') + 1);
  ExpectRejected(Unsigned(claims, "none") + signature, "alg none with a signature");
  // HS256 declared, but the header says something else is the key.
  const std::string with_kid = SigningInput(
      {{"alg", "HS256"}, {"typ", "JWT"}, {"jku", "https://evil.example/keys"}}, claims);
  ExpectRejected(with_kid + "." + Base64UrlEncode(HmacSha256("attacker", with_kid)),
                 "jku header, attacker's key");
  // The original token still works: nothing above harmed the session.
  EXPECT_EQ(api().Me(a.token).status(), 200);
}

TEST_F(AuthTokensTest, ForeignSecretIsRejected) {
  const TestAccount a = CreateAccount(api(), "Foreign");
  const json::object claims = FreshClaims(a.token);
  ExpectRejected(SignHs256(claims, "some-other-secret-of-sufficient-length-0123456789"),
                 "foreign secret");
  ExpectRejected(SignHs256(claims, ""), "empty secret");
  ExpectRejected(SignHs256(claims, std::string(kTestJwtSecret) + "x"), "secret plus one byte");
}

TEST_F(AuthTokensTest, ExpiredOrNotYetValidTokensAreRejected) {
  const TestAccount a = CreateAccount(api(), "Exp");
  const std::int64_t now = NowSeconds();
  json::object expired = FreshClaims(a.token);
  expired["iat"] = now - 1200;
  expired["nbf"] = now - 1200;
  expired["exp"] = now - 300;
  ExpectRejected(SignHs256(expired, kTestJwtSecret), "expired five minutes ago");
  json::object future = FreshClaims(a.token);
  future["iat"] = now + 3600;
  future["nbf"] = now + 3600;
  future["exp"] = now + 4200;
  ExpectRejected(SignHs256(future, kTestJwtSecret), "not valid for an hour");
}

TEST_F(AuthTokensTest, WrongOrMissingClaimsAreRejected) {
  const TestAccount a = CreateAccount(api(), "Claims");
  const std::vector<std::pair<std::string, std::function<void(json::object&)>>> cases = {
      {"wrong iss", [](json::object& c) { c["iss"] = "evil"; }},
      {"no iss", [](json::object& c) { c.erase("iss"); }},
      {"no exp", [](json::object& c) { c.erase("exp"); }},
      {"exp as a string", [](json::object& c) { c["exp"] = std::to_string(NowSeconds() + 600); }},
      {"no sid", [](json::object& c) { c.erase("sid"); }},
      {"unknown sid", [](json::object& c) { c["sid"] = "0190a0c0-0000-7000-8000-00000000abcd"; }},
      {"no sub or user_id",
       [](json::object& c) {
         c.erase("sub");
         c.erase("user_id");
       }},
  };
  for (const auto& [what, change] : cases) {
    json::object claims = FreshClaims(a.token);
    change(claims);
    ExpectRejected(SignHs256(claims, kTestJwtSecret), what);
  }
}

TEST_F(AuthTokensTest, TamperedPayloadWithTheOriginalSignatureIsRejected) {
  const TestAccount a = CreateAccount(api(), "Tamper");
  json::object claims = JwtPayload(a.token);
  claims["role"] = "admin";
  const std::string signature = a.token.substr(a.token.rfind('.') + 1);
  const std::string header = a.token.substr(0, a.token.find('.'));
  ExpectRejected(header + "." + Base64UrlEncode(json::serialize(claims)) + "." + signature,
                 "role changed");
  EXPECT_EQ(api().Me(a.token).status(), 200);
}

TEST_F(AuthTokensTest, FreshlySignedTokenOfARevokedSessionIsRejected) {
  const TestAccount a = CreateAccount(api(), "Revoked");
  const json::object claims = FreshClaims(a.token);
  ASSERT_EQ(api().Logout(a.token).status(), 200);
  ExpectRejected(SignHs256(claims, kTestJwtSecret), "session logged out");
}

TEST_F(AuthTokensTest, RefreshRotatesTheTokensAndKeepsTheSession) {
  const TestAccount a = CreateAccount(api(), "Rot");
  const ApiResponse first = api().Refresh(a.refresh_token);
  ASSERT_EQ(first.status(), 200) << first;
  EXPECT_TRUE(IsTokenPair(first));
  EXPECT_EQ(first.UserObject().at("id"), json::string_view(a.user_id));
  EXPECT_NE(first.Str("refresh_token"), a.refresh_token);
  EXPECT_NE(first.Str("token"), a.token);
  EXPECT_EQ(SessionId(first.Str("token")), SessionId(a.token)) << "same session, rotated";
  EXPECT_EQ(api().Me(first.Str("token")).status(), 200);
  const ApiResponse second = api().Refresh(first.Str("refresh_token"));
  ASSERT_EQ(second.status(), 200) << second;
  EXPECT_TRUE(IsTokenPair(second));
  EXPECT_NE(second.Str("refresh_token"), first.Str("refresh_token"));
  EXPECT_NE(second.Str("refresh_token"), a.refresh_token);
}

TEST_F(AuthTokensTest, RefreshWithTheTokenJustBeforeTheCurrentReturnsTheCurrentPair) {
  const TestAccount a = CreateAccount(api(), "Grace");
  const ApiResponse first = api().Refresh(a.refresh_token);
  ASSERT_EQ(first.status(), 200) << first;
  // The client never saw `first` (lost response) and retries with its old token.
  const ApiResponse retry = api().Refresh(a.refresh_token);
  ASSERT_EQ(retry.status(), 200) << retry;
  EXPECT_TRUE(IsTokenPair(retry));
  EXPECT_EQ(retry.Str("refresh_token"), first.Str("refresh_token"));
  EXPECT_EQ(SessionId(retry.Str("token")), SessionId(a.token));
  EXPECT_EQ(api().Me(retry.Str("token")).status(), 200);
  // The current token still rotates normally afterwards.
  const ApiResponse next = api().Refresh(retry.Str("refresh_token"));
  ASSERT_EQ(next.status(), 200) << next;
  EXPECT_NE(next.Str("refresh_token"), first.Str("refresh_token"));
  EXPECT_EQ(api().Me(next.Str("token")).status(), 200);
}

TEST_F(AuthTokensTest, ReuseOfAnOlderRefreshTokenRevokesTheSession) {
  const TestAccount a = CreateAccount(api(), "Reuse");
  const ApiResponse other_device = api().Login(a.username, a.password, "other device");
  ASSERT_EQ(other_device.status(), 200) << other_device;
  const ApiResponse r1 = api().Refresh(a.refresh_token);
  ASSERT_EQ(r1.status(), 200) << r1;
  const ApiResponse r2 = api().Refresh(r1.Str("refresh_token"));
  ASSERT_EQ(r2.status(), 200) << r2;
  ASSERT_EQ(api().Me(r2.Str("token")).status(), 200);

  // The first token is two generations old: a stolen copy being replayed.
  EXPECT_TRUE(IsApiError(api().Refresh(a.refresh_token), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Refresh(r2.Str("refresh_token")), 401, "UNAUTHORIZED"))
      << "the whole session is revoked";
  EXPECT_TRUE(IsApiError(api().Refresh(r1.Str("refresh_token")), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Me(r2.Str("token")), 401, "UNAUTHORIZED"));
  EXPECT_TRUE(IsApiError(api().Me(a.token), 401, "UNAUTHORIZED"));
  // Other sessions of the same user are not affected.
  EXPECT_EQ(api().Me(other_device.Str("token")).status(), 200);
  EXPECT_EQ(api().Refresh(other_device.Str("refresh_token")).status(), 200);
}

TEST_F(AuthTokensTest, ConcurrentRefreshesOfOneTokenYieldOneRotation) {
  const TestAccount a = CreateAccount(api(), "Race");
  std::string current = a.refresh_token;
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::vector<ApiResponse> results = RunTogether(3, [&] { return api().Refresh(current); });
    std::set<std::string> issued;
    for (const ApiResponse& r : results) {
      ASSERT_EQ(r.status(), 200) << r;
      EXPECT_TRUE(IsTokenPair(r));
      issued.insert(r.Str("refresh_token"));
      EXPECT_EQ(api().Me(r.Str("token")).status(), 200);
    }
    ASSERT_EQ(issued.size(), 1u) << "every racer gets the same current token";
    ASSERT_NE(*issued.begin(), current);
    current = *issued.begin();
  }
  const ApiResponse after = api().Refresh(current);
  EXPECT_EQ(after.status(), 200) << "the session survived the races: " << after;
  const ApiResponse sessions = api().Sessions(after.Str("token"));
  ASSERT_EQ(sessions.status(), 200) << sessions;
  EXPECT_EQ(sessions.Object().at("sessions").as_array().size(), 1u) << sessions;
}

// Signed with the real key, but naming another user's live session: refused, whether that
// session is cached on this instance or not, and the other user's session is unharmed.
TEST_F(AuthTokensTest, TokenNamingAnotherUsersSessionIsRefused) {
  const TestAccount a = CreateAccount(api(), "SidA");
  const TestAccount b = CreateAccount(api(), "SidB");
  json::object claims = FreshClaims(a.token);
  claims["sid"] = SessionId(b.token);
  const std::string forged = SignHs256(claims, kTestJwtSecret);
  ExpectRejected(forged, "sid of another user, uncached");
  EXPECT_EQ(api().Me(b.token).status(), 200);  // b's session is now cached as active
  ExpectRejected(forged, "sid of another user, cached");
  EXPECT_EQ(api().Me(b.token).status(), 200) << "the other user's session is unharmed";
  EXPECT_EQ(api().Me(a.token).status(), 200);
}

TEST_F(AuthTokensTest, InvalidRefreshTokensAre401AndDoNotHarmTheSession) {
  const TestAccount a = CreateAccount(api(), "BadRt");
  EXPECT_TRUE(IsApiError(api().Call("POST", "/api/auth/refresh", json::value(json::object{})), 400,
                         "INVALID_REQUEST", "refresh_token"));
  EXPECT_TRUE(
      IsApiError(api().Call("POST", "/api/auth/refresh", json::value{{"refresh_token", 12345}}),
                 400, "INVALID_REQUEST", "refresh_token"));
  // One character inside the MAC changed (not the last one, whose low bits are padding).
  std::string tampered = a.refresh_token;
  char& c = tampered[tampered.size() - 5];
  c = c == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string("garbage"), a.token, tampered, a.refresh_token + "x", std::string(600, 'r')}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(IsApiError(api().Refresh(bad), 401, "UNAUTHORIZED"));
  }
  const ApiResponse real = api().Refresh(a.refresh_token);
  EXPECT_EQ(real.status(), 200) << "a forged token must not revoke the real session: " << real;
}

TEST_F(AuthTokensTest, TwoLoginsInTheSameSecondAreTwoWorkingSessions) {
  const TestAccount a = CreateAccount(api(), "Twin");
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::vector<ApiResponse> logins =
        RunTogether(2, [&] { return api().Login(a.username, a.password, "twin"); });
    ASSERT_EQ(logins[0].status(), 200) << logins[0];
    ASSERT_EQ(logins[1].status(), 200) << logins[1];
    EXPECT_NE(logins[0].Str("token"), logins[1].Str("token"));
    EXPECT_NE(logins[0].Str("refresh_token"), logins[1].Str("refresh_token"));
    EXPECT_NE(SessionId(logins[0].Str("token")), SessionId(logins[1].Str("token")));
    EXPECT_NE(JwtPayload(logins[0].Str("token")).at("jti"),
              JwtPayload(logins[1].Str("token")).at("jti"));
    ASSERT_EQ(api().Logout(logins[0].Str("token")).status(), 200);
    EXPECT_EQ(api().Me(logins[1].Str("token")).status(), 200) << "logout ended only one";
    EXPECT_EQ(api().Refresh(logins[1].Str("refresh_token")).status(), 200);
  }
}

// --- servers with short lifetimes ---

class AuthExpiryTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

void SleepUntilMillis(std::int64_t unix_millis) {
  const std::int64_t wait = unix_millis - NowUnixMillis();
  if (wait > 0) std::this_thread::sleep_for(milliseconds(wait));
}

TEST_F(AuthExpiryTest, ExpiredAccessTokenIsRejectedAndRefreshRecovers) {
  ServerProcess server(dir_.path(), AuthServerConfig({{"JWT_EXPIRATION", "3s"}}));
  ASSERT_TRUE(server.ready());
  const ApiClient api(server.base_url());
  const ApiResponse signup =
      api.Signup(UniqueName("short"), UniqueName("s") + "@example.com", std::string(kTestPassword));
  ASSERT_EQ(signup.status(), 201) << signup;
  const json::object claims = JwtPayload(signup.Str("token"));
  EXPECT_EQ(claims.at("exp").as_int64() - claims.at("iat").as_int64(), 3);
  const auto expires_at = ParseWireTimestamp(signup.Str("expires_at"));
  ASSERT_TRUE(expires_at.has_value());

  SleepUntilMillis(*expires_at + 1500);
  EXPECT_TRUE(IsApiError(api.Me(signup.Str("token")), 401, "UNAUTHORIZED"));
  const ApiResponse refreshed = api.Refresh(signup.Str("refresh_token"));
  ASSERT_EQ(refreshed.status(), 200) << "the refresh token outlives the access token";
  EXPECT_EQ(api.Me(refreshed.Str("token")).status(), 200);
}

TEST_F(AuthExpiryTest, SessionLifetimeRestartsAtEachRefresh) {
  ServerProcess server(dir_.path(), AuthServerConfig({{"JWT_REFRESH_EXPIRATION", "6s"}}));
  ASSERT_TRUE(server.ready());
  const ApiClient api(server.base_url());
  const TestAccount a = CreateAccount(api, "Life");
  const std::int64_t start = NowUnixMillis();
  std::string current = a.refresh_token;
  // Two refreshes 3.5 s apart: 7 s after login, past the first 6 s lifetime.
  for (int i = 1; i <= 2; ++i) {
    SleepUntilMillis(start + i * 3500);
    const ApiResponse r = api.Refresh(current);
    ASSERT_EQ(r.status(), 200) << "refresh " << i << ": " << r;
    current = r.Str("refresh_token");
  }
  const std::int64_t last_refresh = NowUnixMillis();
  SleepUntilMillis(last_refresh + 8000);
  EXPECT_TRUE(IsApiError(api.Refresh(current), 401, "UNAUTHORIZED"))
      << "the session ended 6 s after its last refresh";
}

}  // namespace
}  // namespace howler::testing
