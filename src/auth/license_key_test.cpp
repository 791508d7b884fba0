#include "auth/license_key.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <set>
#include <string>

#include "common/crypto.h"

namespace howler::auth {
namespace {

// The desktop client's own check, rewritten from its code: its regex, then the CRC of
// `TIER-uuid` compared with the last group.
bool ClientAccepts(const std::string& key) {
  static const std::regex pattern("^SQL-([A-Z]+)-([0-9a-f-]+)-([A-F0-9]{4})$", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(key, m, pattern)) return false;
  char crc[5];
  std::snprintf(crc, sizeof crc, "%04X", Crc16CcittFalse(m[1].str() + "-" + m[2].str()));
  std::string given = m[3].str();
  for (char& c : given) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return given == crc;
}

TEST(LicenseKeyTest, Crc16CcittFalseMatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc16CcittFalse("123456789"), 0x29B1);
  EXPECT_EQ(Crc16CcittFalse(""), 0xFFFF);
  EXPECT_EQ(Crc16CcittFalse("A"), 0xB915);
}

TEST(LicenseKeyTest, NewKeysHaveTheClientFormatAndPassItsCheck) {
  static const std::regex issued(
      "SQL-INDIVIDUAL-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-"
      "[0-9A-F]{4}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string key = NewLicenseKey();
    EXPECT_TRUE(std::regex_match(key, issued)) << key;
    EXPECT_TRUE(ClientAccepts(key)) << key;
    EXPECT_TRUE(LooksLikeLicenseKey(key)) << key;
    EXPECT_TRUE(HasValidLicenseChecksum(key)) << key;
    EXPECT_EQ(key.size(), 56u);
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(LicenseKeyTest, AChangedCharacterFailsTheChecksum) {
  const std::string key = NewLicenseKey();
  std::string changed = key;
  changed[20] = changed[20] == '0' ? '1' : '0';
  EXPECT_TRUE(LooksLikeLicenseKey(changed));
  EXPECT_FALSE(HasValidLicenseChecksum(changed));
  EXPECT_FALSE(ClientAccepts(changed));
  // The client compares the CRC in any case, and so does the server.
  std::string lower_crc = key;
  for (std::size_t i = key.size() - 4; i < key.size(); ++i) {
    lower_crc[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower_crc[i])));
  }
  EXPECT_TRUE(HasValidLicenseChecksum(lower_crc));
  EXPECT_TRUE(ClientAccepts(lower_crc));
}

TEST(LicenseKeyTest, TheShapeCheckAgreesWithTheClientRegex) {
  static const std::regex pattern("^SQL-([A-Z]+)-([0-9a-f-]+)-([A-F0-9]{4})$", std::regex::icase);
  const std::string texts[] = {
      "SQL-TEAM-0-ABCD",
      "sql-team-abc-def-0a0a",
      "SQL-INDIVIDUAL-0f-1234",
      "SQL--0f-1234",
      "SQL-TEAM--1234",
      "SQL-TEAM-0f-123",
      "SQL-TEAM-0f-12345",
      "SQL-TE4M-0f-1234",
      "SQL-TEAM-0g-1234",
      "SQL-TEAM-0f_1234",
      "SQL-TEAM-0f-12G4",
      "SQ-TEAM-0f-1234",
      "XSQL-TEAM-0f-1234",
      "SQL-TEAM-0f-1234 ",
      "SQL-TEAM--",
      "SQL-",
      "",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
      "SQL-TEAM-----1234",
  };
  for (const std::string& text : texts) {
    EXPECT_EQ(LooksLikeLicenseKey(text), std::regex_match(text, pattern)) << text;
  }
}

TEST(LicenseKeyTest, OverlongTextIsNotAKey) {
  const std::string longest = "SQL-A-" + std::string(kMaxLicenseKeyBytes - 11, 'a') + "-0000";
  ASSERT_EQ(longest.size(), kMaxLicenseKeyBytes);
  EXPECT_TRUE(LooksLikeLicenseKey(longest));
  EXPECT_FALSE(LooksLikeLicenseKey("SQL-A-" + std::string(kMaxLicenseKeyBytes, 'a') + "-0000"));
}

TEST(LicenseKeyTest, TheStoredFormIsTheHexSha256) {
  const std::string key = NewLicenseKey();
  EXPECT_EQ(LicenseKeyHash(key), HexEncode(Sha256(key)));
  EXPECT_EQ(LicenseKeyHash(key).size(), 64u);
  EXPECT_EQ(LicenseKeyHash(key).find(key), std::string::npos);
  EXPECT_NE(LicenseKeyHash(key), LicenseKeyHash(NewLicenseKey()));
}

}  // namespace
}  // namespace howler::auth
