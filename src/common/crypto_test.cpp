#include "common/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace howler {
namespace {

TEST(CryptoTest, Sha256KnownVectors) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoTest, HmacSha256Rfc4231) {
  // Test case 2: a key shorter than the block.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block (hashed first).
  EXPECT_EQ(HexEncode(HmacSha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoTest, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto padded = Base64Decode(encoded);
    ASSERT_TRUE(padded.ok()) << encoded;
    EXPECT_EQ(*padded, plain);
    std::string unpadded(encoded);
    unpadded.erase(unpadded.find_last_not_of('=') + 1);
    auto decoded = Base64Decode(unpadded);
    ASSERT_TRUE(decoded.ok()) << unpadded;
    EXPECT_EQ(*decoded, plain);
    EXPECT_EQ(Base64UrlEncode(plain), unpadded);
  }
}

TEST(CryptoTest, Base64UrlUsesTheUrlAlphabetWithoutPadding) {
  const std::string bytes("\xfb\xff", 2);
  EXPECT_EQ(Base64Encode(bytes), "+/8=");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_8");
  ASSERT_TRUE(Base64UrlDecode("-_8").ok());
  EXPECT_EQ(*Base64UrlDecode("-_8"), bytes);
  EXPECT_EQ(*Base64UrlDecode("-_8="), bytes);
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());
  EXPECT_FALSE(Base64Decode("-_8=").ok());
}

TEST(CryptoTest, Base64RejectsMalformed) {
  for (const char* bad : {"Zg=", "Z", "Zm9v!", "Zm 9v", "Zh==", "Zm9v\n", "=Zg=", "Zg==="}) {
    EXPECT_FALSE(Base64Decode(bad).ok()) << bad;
    EXPECT_FALSE(Base64UrlDecode(bad).ok()) << bad;
  }
  EXPECT_EQ(Base64Decode("!").status().code(), StatusCode::kInvalidArgument);
}

TEST(CryptoTest, Base64RoundTripsAllByteValues) {
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all += static_cast<char>(i);
  }
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(*Base64Decode(Base64Encode(part)), part);
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(part)), part);
  }
}

TEST(CryptoTest, Hex) {
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(*HexDecode("0001ABff"), std::string("\x00\x01\xab\xff", 4));
  EXPECT_EQ(*HexDecode(""), "");
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_FALSE(HexDecode("0x").ok());
  EXPECT_EQ(HexDecode("g0").status().code(), StatusCode::kInvalidArgument);
}

TEST(CryptoTest, RandomBytes) {
  EXPECT_EQ(RandomBytes(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string r = RandomBytes(32);
    EXPECT_EQ(r.size(), 32u);
    seen.insert(r);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret1"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(CryptoTest, EnsureSodiumIsIdempotent) {
  EnsureSodium();
  EnsureSodium();
  EXPECT_EQ(Sha256("x").size(), 32u);
}

}  // namespace
}  // namespace howler
