#include "auth/refresh_token.h"

#include <charconv>
#include <optional>
#include <vector>

#include "common/crypto.h"

namespace howler::auth {
namespace {

constexpr std::string_view kPrefix = "rt1";
constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kSaltBytes = 32;

Status Malformed() {
  return UnauthenticatedError("invalid refresh token");
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

// Base64url that decodes and re-encodes to the same text (no padding, no stray bits).
std::optional<std::string> DecodeCanonical(std::string_view text) {
  auto decoded = Base64UrlDecode(text);
  if (!decoded.ok() || Base64UrlEncode(*decoded) != text) {
    return std::nullopt;
  }
  return std::move(decoded).value();
}

// Canonical decimal in [0, 2^63): digits only, no sign, no leading zero except "0".
std::optional<std::int64_t> ParseCounter(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text.front() == '0') ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

RefreshTokenCodec::RefreshTokenCodec(std::string server_key) : server_key_(std::move(server_key)) {}

std::string RefreshTokenCodec::Make(std::string_view session_id, std::int64_t counter,
                                    std::string_view session_salt) const {
  return std::string(kPrefix) + "." + Base64UrlEncode(session_id) + "." + std::to_string(counter) +
         "." + Base64UrlEncode(Mac(session_id, counter, session_salt));
}

Result<RefreshTokenCodec::Parsed> RefreshTokenCodec::Parse(std::string_view token) const {
  if (token.size() > kMaxTokenBytes) {
    return Malformed();
  }
  const std::vector<std::string_view> parts = Split(token, '.');
  if (parts.size() != 4 || parts[0] != kPrefix) {
    return Malformed();
  }
  std::optional<std::string> session_id = DecodeCanonical(parts[1]);
  std::optional<std::int64_t> counter = ParseCounter(parts[2]);
  std::optional<std::string> mac = DecodeCanonical(parts[3]);
  if (!session_id || session_id->empty() || session_id->size() > kMaxSessionIdBytes || !counter ||
      !mac || mac->size() != kMacBytes) {
    return Malformed();
  }
  return Parsed{std::move(*session_id), *counter, std::move(*mac)};
}

bool RefreshTokenCodec::Matches(const Parsed& parsed, std::string_view session_salt) const {
  return ConstantTimeEquals(parsed.mac, Mac(parsed.session_id, parsed.counter, session_salt));
}

std::string RefreshTokenCodec::NewSalt() {
  return HexEncode(RandomBytes(kSaltBytes));
}

std::string RefreshTokenCodec::Mac(std::string_view session_id, std::int64_t counter,
                                   std::string_view session_salt) const {
  const std::string input = std::string(kPrefix) + "|" + std::string(session_id) + "|" +
                            std::to_string(counter) + "|" + std::string(session_salt);
  return HmacSha256(server_key_, input);
}

}  // namespace howler::auth
