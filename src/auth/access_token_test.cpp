#include "auth/access_token.h"

#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>
#include <map>
#include <string>

#include "common/crypto.h"

namespace howler::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr minutes kLifetime{15};

// Claim name -> raw JSON value.
using Claims = std::map<std::string, std::string>;

std::string Quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string ToJson(const Claims& claims) {
  std::string json = "{";
  for (const auto& [name, value] : claims) {
    json += (json.size() > 1 ? "," : "") + Quoted(name) + ":" + value;
  }
  return json + "}";
}

std::int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<seconds>(t.time_since_epoch()).count();
}

Claims ValidClaims(TimePoint now) {
  const std::string iat = std::to_string(UnixSeconds(now));
  return {{"iss", Quoted("howlerops")},
          {"sub", Quoted("user-1")},
          {"user_id", Quoted("user-1")},
          {"username", Quoted("alice")},
          {"role", Quoted("user")},
          {"sid", Quoted("session-1")},
          {"jti", Quoted("jti-1")},
          {"iat", iat},
          {"nbf", iat},
          {"exp", std::to_string(UnixSeconds(now + kLifetime))}};
}

// A JWS built by hand: any header, HMAC-SHA256 over it with `key`.
std::string HandMade(std::string_view header_json, const Claims& claims,
                     std::string_view key = kSecret) {
  const std::string signing_input =
      Base64UrlEncode(header_json) + "." + Base64UrlEncode(ToJson(claims));
  return signing_input + "." + Base64UrlEncode(HmacSha256(key, signing_input));
}

std::string HandMadeHs256(const Claims& claims) {
  return HandMade(R"({"alg":"HS256","typ":"JWT"})", claims);
}

// A token signed by libjwt with `alg` and our secret.
std::string LibjwtSigned(jwt_alg_t alg, const Claims& claims) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_add_grants_json(jwt, ToJson(claims).c_str()), 0);
  EXPECT_EQ(jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(kSecret.data()),
                        static_cast<int>(kSecret.size())),
            0);
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded == nullptr ? "" : encoded;
  std::free(encoded);
  jwt_free(jwt);
  return token;
}

class AccessTokenTest : public testing::Test {
 protected:
  void ExpectRejected(std::string_view token) {
    auto claims = service_.Verify(token);
    ASSERT_FALSE(claims.ok()) << token;
    EXPECT_EQ(claims.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(claims.status().message(), "invalid or expired token");
  }

  ManualClock clock_;
  AccessTokenService service_{std::string(kSecret), kLifetime, clock_};
};

TEST_F(AccessTokenTest, IssuedTokenVerifiesWithItsClaims) {
  auto issued = service_.Issue("user-1", "alice", "admin", "session-1");
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->expires_at, clock_.Now() + kLifetime);
  EXPECT_EQ(issued->jti.size(), 22u);  // 16 random bytes, base64url

  auto claims = service_.Verify(issued->token);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->user_id, "user-1");
  EXPECT_EQ(claims->username, "alice");
  EXPECT_EQ(claims->role, "admin");
  EXPECT_EQ(claims->session_id, "session-1");
  EXPECT_EQ(claims->jti, issued->jti);
  EXPECT_EQ(claims->issued_at, clock_.Now());
  EXPECT_EQ(claims->expires_at, issued->expires_at);
}

TEST_F(AccessTokenTest, TokenCarriesTheDocumentedClaims) {
  auto issued = service_.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  const std::string& token = issued->token;
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  auto header = Base64UrlDecode(token.substr(0, first_dot));
  auto payload = Base64UrlDecode(token.substr(first_dot + 1, second_dot - first_dot - 1));
  ASSERT_TRUE(header.ok() && payload.ok());
  EXPECT_NE(header->find(R"("alg":"HS256")"), std::string::npos) << *header;
  const std::string iat = std::to_string(UnixSeconds(clock_.Now()));
  for (const std::string& expected :
       {std::string(R"("iss":"howlerops")"), std::string(R"("sub":"user-1")"),
        std::string(R"("user_id":"user-1")"), std::string(R"("username":"alice")"),
        std::string(R"("role":"user")"), std::string(R"("sid":"session-1")"),
        R"("jti":")" + issued->jti + "\"", R"("iat":)" + iat, R"("nbf":)" + iat,
        R"("exp":)" + std::to_string(UnixSeconds(clock_.Now() + kLifetime))}) {
    EXPECT_NE(payload->find(expected), std::string::npos) << expected << " in " << *payload;
  }
}

TEST_F(AccessTokenTest, IssuedAtIsFlooredToWholeSeconds) {
  const TimePoint start = clock_.Now();
  clock_.Advance(milliseconds(1700));
  auto issued = service_.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->expires_at, start + seconds(1) + kLifetime);
  auto claims = service_.Verify(issued->token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->issued_at, start + seconds(1));
}

TEST_F(AccessTokenTest, LifetimeIsRoundedUpToWholeSeconds) {
  AccessTokenService short_lived(std::string(kSecret), milliseconds(1500), clock_);
  auto issued = short_lived.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->expires_at, clock_.Now() + seconds(2));
}

TEST_F(AccessTokenTest, ExpiresExactlyAtExp) {
  auto issued = service_.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  clock_.Advance(kLifetime - milliseconds(1));
  EXPECT_TRUE(service_.Verify(issued->token).ok());
  clock_.Advance(milliseconds(1));
  ExpectRejected(issued->token);
  clock_.Advance(minutes(60));
  ExpectRejected(issued->token);
}

TEST_F(AccessTokenTest, NotBeforeAllowsThirtySecondsOfSkew) {
  auto issued = service_.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  const TimePoint issued_at = clock_.Now();
  clock_.Set(issued_at - seconds(30));
  EXPECT_TRUE(service_.Verify(issued->token).ok());
  clock_.Set(issued_at - seconds(30) - milliseconds(1));
  ExpectRejected(issued->token);
}

TEST_F(AccessTokenTest, NotBeforeIsCheckedOnItsOwn) {
  Claims claims = ValidClaims(clock_.Now());
  claims["nbf"] = std::to_string(UnixSeconds(clock_.Now() + seconds(31)));
  ExpectRejected(HandMadeHs256(claims));
  claims["nbf"] = std::to_string(UnixSeconds(clock_.Now() + seconds(30)));
  EXPECT_TRUE(service_.Verify(HandMadeHs256(claims)).ok());
}

TEST_F(AccessTokenTest, IssuedInTheFutureIsRejected) {
  Claims claims = ValidClaims(clock_.Now());
  claims["iat"] = std::to_string(UnixSeconds(clock_.Now() + minutes(5)));
  ExpectRejected(HandMadeHs256(claims));
}

TEST_F(AccessTokenTest, HandMadeHs256TokenIsAcceptedAsAControl) {
  auto claims = service_.Verify(HandMadeHs256(ValidClaims(clock_.Now())));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->user_id, "user-1");
  EXPECT_EQ(claims->session_id, "session-1");
  EXPECT_TRUE(service_.Verify(LibjwtSigned(JWT_ALG_HS256, ValidClaims(clock_.Now()))).ok());
}

TEST_F(AccessTokenTest, RejectsAWrongIssuer) {
  Claims claims = ValidClaims(clock_.Now());
  claims["iss"] = Quoted("someone-else");
  ExpectRejected(HandMadeHs256(claims));
  claims["iss"] = Quoted("");
  ExpectRejected(HandMadeHs256(claims));
}

TEST_F(AccessTokenTest, RejectsAForeignSecret) {
  AccessTokenService foreign("another secret entirely, 32 bytes", kLifetime, clock_);
  auto issued = foreign.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  ExpectRejected(issued->token);
  ExpectRejected(HandMade(R"({"alg":"HS256","typ":"JWT"})", ValidClaims(clock_.Now()), "other"));
}

TEST_F(AccessTokenTest, RejectsOtherHmacAlgorithmsSignedWithOurSecret) {
  ExpectRejected(LibjwtSigned(JWT_ALG_HS384, ValidClaims(clock_.Now())));
  ExpectRejected(LibjwtSigned(JWT_ALG_HS512, ValidClaims(clock_.Now())));
}

TEST_F(AccessTokenTest, RejectsAlgNone) {
  const std::string unsigned_input = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                                     Base64UrlEncode(ToJson(ValidClaims(clock_.Now())));
  ExpectRejected(unsigned_input + ".");
  ExpectRejected(unsigned_input);
  ExpectRejected(unsigned_input + "." + Base64UrlEncode(HmacSha256(kSecret, unsigned_input)));
  ExpectRejected(HandMade(R"({"alg":"none","typ":"JWT"})", ValidClaims(clock_.Now())));
}

TEST_F(AccessTokenTest, RejectsUnknownOrAsymmetricAlgorithms) {
  ExpectRejected(HandMade(R"({"alg":"RS256","typ":"JWT"})", ValidClaims(clock_.Now())));
  ExpectRejected(HandMade(R"({"alg":"hs256","typ":"JWT"})", ValidClaims(clock_.Now())));
  ExpectRejected(HandMade(R"({"typ":"JWT"})", ValidClaims(clock_.Now())));
}

TEST_F(AccessTokenTest, RejectsATamperedToken) {
  auto issued = service_.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  const std::string& token = issued->token;
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);

  Claims escalated = ValidClaims(clock_.Now());
  escalated["role"] = Quoted("admin");
  const std::string forged_payload = token.substr(0, first_dot + 1) +
                                     Base64UrlEncode(ToJson(escalated)) + token.substr(second_dot);
  ExpectRejected(forged_payload);

  std::string flipped_signature = token;
  char& c = flipped_signature[second_dot + 5];
  c = c == 'A' ? 'B' : 'A';
  ExpectRejected(flipped_signature);
  ExpectRejected(token.substr(0, token.size() - 1));
  ExpectRejected(token + "A");
}

TEST_F(AccessTokenTest, RejectsGarbage) {
  auto issued = service_.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  for (const std::string& bad :
       {std::string(), std::string("garbage"), std::string("a.b.c"), std::string(".."),
        std::string("a..c"), std::string("a.b.c.d"), " " + issued->token, issued->token + " ",
        "Bearer " + issued->token, issued->token + ".", std::string(issued->token).insert(10, "+"),
        std::string("e30.e30.e30"), std::string(AccessTokenService::kMaxTokenBytes + 1, 'a'),
        std::string(issued->token).insert(5, std::string(1, '\0'))}) {
    ExpectRejected(bad);
  }
}

TEST_F(AccessTokenTest, RejectsOversizedTokensEvenIfSigned) {
  Claims claims = ValidClaims(clock_.Now());
  claims["padding"] = Quoted(std::string(AccessTokenService::kMaxTokenBytes, 'x'));
  ExpectRejected(HandMadeHs256(claims));
}

TEST_F(AccessTokenTest, RejectsMissingRequiredClaims) {
  for (const char* name :
       {"iss", "sub", "user_id", "username", "role", "sid", "jti", "iat", "nbf", "exp"}) {
    Claims claims = ValidClaims(clock_.Now());
    claims.erase(name);
    SCOPED_TRACE(name);
    ExpectRejected(HandMadeHs256(claims));
  }
}

TEST_F(AccessTokenTest, RejectsClaimsOfTheWrongTypeOrShape) {
  const std::pair<const char*, std::string> mutations[] = {
      {"sid", Quoted("")},
      {"sub", Quoted("")},
      {"jti", Quoted("")},
      {"user_id", Quoted("user-2")},  // must equal sub
      {"sid", "42"},
      {"role", "null"},
      {"exp", Quoted(std::to_string(UnixSeconds(clock_.Now() + kLifetime)))},
      {"exp", std::to_string(UnixSeconds(clock_.Now() + kLifetime)) + ".5"},
      {"exp", "99999999999999"},
      {"nbf", Quoted("0")},
      {"nbf", "-1"},
      {"iat", "true"},
  };
  for (const auto& [name, value] : mutations) {
    Claims claims = ValidClaims(clock_.Now());
    claims[name] = value;
    SCOPED_TRACE(std::string(name) + "=" + value);
    ExpectRejected(HandMadeHs256(claims));
  }
}

TEST_F(AccessTokenTest, TokensIssuedInTheSameSecondDiffer) {
  auto a = service_.Issue("user-1", "alice", "user", "session-1");
  auto b = service_.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->jti, b->jti);
  EXPECT_NE(a->token, b->token);
  EXPECT_EQ(a->expires_at, b->expires_at);
}

TEST_F(AccessTokenTest, IssueRejectsBadArguments) {
  EXPECT_EQ(service_.Issue("", "alice", "user", "session-1").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(service_.Issue("user-1", "alice", "user", "").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      service_.Issue("user-1", std::string("al\0ice", 6), "user", "session-1").status().code(),
      StatusCode::kInvalidArgument);
}

TEST_F(AccessTokenTest, AnEmptySecretNeitherIssuesNorVerifies) {
  AccessTokenService unconfigured("", kLifetime, clock_);
  EXPECT_EQ(unconfigured.Issue("user-1", "alice", "user", "session-1").status().code(),
            StatusCode::kInternal);
  auto issued = service_.Issue("user-1", "alice", "user", "session-1");
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(unconfigured.Verify(issued->token).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(unconfigured.Verify(HandMade(R"({"alg":"HS256"})", ValidClaims(clock_.Now()), ""))
                .status()
                .code(),
            StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace howler::auth
