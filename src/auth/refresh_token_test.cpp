#include "auth/refresh_token.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "common/crypto.h"

namespace howler::auth {
namespace {

constexpr std::string_view kSession = "0190a6f2-3c4d-7e5f-8a9b-0123456789ab";

class RefreshTokenTest : public testing::Test {
 protected:
  // True when `token` parses and matches `salt`.
  bool Accepted(const RefreshTokenCodec& codec, std::string_view token, std::string_view salt) {
    auto parsed = codec.Parse(token);
    return parsed.ok() && codec.Matches(*parsed, salt);
  }

  void ExpectMalformed(std::string_view token) {
    auto parsed = codec_.Parse(token);
    ASSERT_FALSE(parsed.ok()) << token;
    EXPECT_EQ(parsed.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(parsed.status().message(), "invalid refresh token");
  }

  RefreshTokenCodec codec_{HmacSha256("jwt secret", "howlerops refresh token v1")};
  std::string salt_ = RefreshTokenCodec::NewSalt();
};

TEST_F(RefreshTokenTest, MakeParseMatchRoundTrip) {
  const std::string token = codec_.Make(kSession, 7, salt_);
  EXPECT_EQ(token.rfind("rt1." + Base64UrlEncode(kSession) + ".7.", 0), 0u) << token;
  auto parsed = codec_.Parse(token);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->session_id, kSession);
  EXPECT_EQ(parsed->counter, 7);
  EXPECT_EQ(parsed->mac.size(), 32u);
  EXPECT_TRUE(codec_.Matches(*parsed, salt_));
}

TEST_F(RefreshTokenTest, MacIsTheDocumentedHmac) {
  const std::string key = "server key";
  RefreshTokenCodec codec(key);
  const std::string token = codec.Make("s1", 3, "abcd");
  EXPECT_EQ(token, "rt1." + Base64UrlEncode("s1") + ".3." +
                       Base64UrlEncode(HmacSha256(key, "rt1|s1|3|abcd")));
}

TEST_F(RefreshTokenTest, IsDeterministicSoTheCurrentTokenCanBeRecomputed) {
  EXPECT_EQ(codec_.Make(kSession, 2, salt_), codec_.Make(kSession, 2, salt_));
  EXPECT_NE(codec_.Make(kSession, 2, salt_), codec_.Make(kSession, 3, salt_));
}

TEST_F(RefreshTokenTest, CounterBoundsRoundTrip) {
  for (std::int64_t counter : {std::int64_t{0}, std::numeric_limits<std::int64_t>::max()}) {
    auto parsed = codec_.Parse(codec_.Make(kSession, counter, salt_));
    ASSERT_TRUE(parsed.ok()) << counter;
    EXPECT_EQ(parsed->counter, counter);
    EXPECT_TRUE(codec_.Matches(*parsed, salt_));
  }
}

TEST_F(RefreshTokenTest, WrongSaltDoesNotMatch) {
  const std::string token = codec_.Make(kSession, 1, salt_);
  EXPECT_FALSE(Accepted(codec_, token, RefreshTokenCodec::NewSalt()));
  EXPECT_FALSE(Accepted(codec_, token, ""));
  EXPECT_FALSE(Accepted(codec_, token, salt_.substr(1)));
}

TEST_F(RefreshTokenTest, AnotherServerKeyDoesNotMatch) {
  RefreshTokenCodec other(HmacSha256("other jwt secret", "howlerops refresh token v1"));
  EXPECT_FALSE(Accepted(other, codec_.Make(kSession, 1, salt_), salt_));
  EXPECT_FALSE(Accepted(codec_, other.Make(kSession, 1, salt_), salt_));
}

TEST_F(RefreshTokenTest, TamperedPiecesDoNotMatch) {
  const std::string mac = Base64UrlEncode(HmacSha256("x", "y"));
  const std::string genuine = codec_.Make(kSession, 5, salt_);
  const std::string genuine_mac = genuine.substr(genuine.rfind('.') + 1);
  const std::string other_session = Base64UrlEncode("0190a6f2-3c4d-7e5f-8a9b-0123456789ac");
  for (const std::string& forged : {
           "rt1." + Base64UrlEncode(kSession) + ".6." + genuine_mac,  // other counter
           "rt1." + Base64UrlEncode(kSession) + ".4." + genuine_mac,  // older counter
           "rt1." + other_session + ".5." + genuine_mac,              // other session
           "rt1." + Base64UrlEncode(kSession) + ".5." + mac,          // other MAC
       }) {
    EXPECT_TRUE(codec_.Parse(forged).ok()) << forged;
    EXPECT_FALSE(Accepted(codec_, forged, salt_)) << forged;
  }
}

TEST_F(RefreshTokenTest, EveryFlippedCharacterIsRejected) {
  const std::string token = codec_.Make(kSession, 12, salt_);
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string flipped = token;
    flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(Accepted(codec_, flipped, salt_)) << i;
  }
}

TEST_F(RefreshTokenTest, MalformedShapesAreRejected) {
  const std::string sid = Base64UrlEncode(kSession);
  const std::string mac = Base64UrlEncode(std::string(32, 'm'));
  ASSERT_TRUE(codec_.Parse("rt1." + sid + ".1." + mac).ok());  // the control
  for (const std::string& bad : {
           std::string(),
           std::string("rt1"),
           std::string("rt1..."),
           "rt1." + sid + ".1",
           "rt1." + sid + ".1." + mac + ".",
           "rt1." + sid + ".1." + mac + ".extra",
           "rt2." + sid + ".1." + mac,
           "RT1." + sid + ".1." + mac,
           "." + sid + ".1." + mac,
           "rt1..1." + mac,                                                // empty session id
           "rt1." + sid + ".." + mac,                                      // empty counter
           "rt1." + sid + ".1.",                                           // empty MAC
           "rt1." + sid + ".-1." + mac,                                    // negative
           "rt1." + sid + ".+1." + mac,                                    // sign
           "rt1." + sid + ".01." + mac,                                    // leading zero
           "rt1." + sid + ".1 ." + mac,                                    // space
           "rt1." + sid + ".0x1." + mac,                                   // hex
           "rt1." + sid + ".9223372036854775808." + mac,                   // 2^63
           "rt1." + sid + ".99999999999999999999999." + mac,               // overflow
           "rt1." + sid + ".1." + Base64UrlEncode(std::string(31, 'm')),   // short MAC
           "rt1." + sid + ".1." + Base64UrlEncode(std::string(33, 'm')),   // long MAC
           "rt1." + sid + "=.1." + mac,                                    // padding
           "rt1." + sid + ".1." + mac + "=",                               // padding
           "rt1.a+b/.1." + mac,                                            // standard alphabet
           "rt1.!!!!.1." + mac,                                            // not base64
           "rt1.A.1." + mac,                                               // impossible length
           "rt1." + sid + ".1." + mac.substr(0, mac.size() - 1) + "B",     // stray bits
           "rt1." + Base64UrlEncode(std::string(129, 's')) + ".1." + mac,  // long session id
           " rt1." + sid + ".1." + mac,
           "rt1." + sid + ".1." + mac + " ",
           "rt1." + sid + ".1." + mac + std::string(600, 'A'),
       }) {
    ExpectMalformed(bad);
  }
}

TEST_F(RefreshTokenTest, SaltsAreRandomHex) {
  std::set<std::string> salts;
  for (int i = 0; i < 100; ++i) {
    const std::string salt = RefreshTokenCodec::NewSalt();
    EXPECT_EQ(salt.size(), 64u);
    EXPECT_EQ(salt.find_first_not_of("0123456789abcdef"), std::string::npos) << salt;
    salts.insert(salt);
  }
  EXPECT_EQ(salts.size(), 100u);
}

}  // namespace
}  // namespace howler::auth
