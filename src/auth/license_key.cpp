#include "auth/license_key.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "common/crypto.h"

namespace howler::auth {
namespace {

bool IsLetter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool IsHex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// The three groups of the client's regex `^SQL-([A-Z]+)-([0-9a-f-]+)-([A-F0-9]{4})$/i`.
struct KeyParts {
  std::string_view tier;
  std::string_view id;
  std::string_view crc;
};

std::optional<KeyParts> Parse(std::string_view text) {
  constexpr std::string_view kPrefix = "SQL-";
  constexpr std::size_t kCrcDigits = 4;
  if (text.size() > kMaxLicenseKeyBytes || text.size() < kPrefix.size() + 2 + 2 + kCrcDigits) {
    return std::nullopt;
  }
  const bool prefix_ok =
      std::equal(kPrefix.begin(), kPrefix.end(), text.begin(),
                 [](char a, char b) { return a == std::toupper(static_cast<unsigned char>(b)); });
  if (!prefix_ok) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  // The tier holds letters only, so it ends at the first '-'; the crc is the last 4 digits.
  const std::size_t tier_end = text.find('-');
  if (tier_end == 0 || tier_end == std::string_view::npos) return std::nullopt;
  KeyParts parts{text.substr(0, tier_end), {}, text.substr(text.size() - kCrcDigits)};
  if (!std::all_of(parts.tier.begin(), parts.tier.end(), IsLetter) ||
      !std::all_of(parts.crc.begin(), parts.crc.end(), IsHex) ||
      text[text.size() - kCrcDigits - 1] != '-' || tier_end + 1 >= text.size() - kCrcDigits - 1) {
    return std::nullopt;
  }
  parts.id = text.substr(tier_end + 1, text.size() - kCrcDigits - 1 - (tier_end + 1));
  const bool id_ok =
      std::all_of(parts.id.begin(), parts.id.end(), [](char c) { return IsHex(c) || c == '-'; });
  if (!id_ok) return std::nullopt;
  return parts;
}

std::string UpperHex16(std::uint16_t v) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  return {kDigits[(v >> 12) & 0xF], kDigits[(v >> 8) & 0xF], kDigits[(v >> 4) & 0xF],
          kDigits[v & 0xF]};
}

// RFC 9562 version 4: 122 random bits, version nibble 4, variant bits 10.
std::string NewUuidV4() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0F) | 0x40);
  b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3F) | 0x80);
  const std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace

std::uint16_t Crc16CcittFalse(std::string_view data) {
  std::uint16_t crc = 0xFFFF;
  for (char ch : data) {
    crc ^= static_cast<std::uint16_t>(static_cast<unsigned char>(ch) << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::string NewLicenseKey() {
  const std::string body = std::string(kLicenseTier) + "-" + NewUuidV4();
  return "SQL-" + body + "-" + UpperHex16(Crc16CcittFalse(body));
}

bool LooksLikeLicenseKey(std::string_view text) {
  return Parse(text).has_value();
}

bool HasValidLicenseChecksum(std::string_view key) {
  const std::optional<KeyParts> parts = Parse(key);
  if (!parts) return false;
  std::string body(parts->tier);
  body += '-';
  body += parts->id;
  const std::string expected = UpperHex16(Crc16CcittFalse(body));
  return std::equal(expected.begin(), expected.end(), parts->crc.begin(), [](char e, char c) {
    return e == std::toupper(static_cast<unsigned char>(c));
  });
}

std::string LicenseKeyHash(std::string_view key) {
  return HexEncode(Sha256(key));
}

}  // namespace howler::auth
