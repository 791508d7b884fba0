#include "sync/cursor.h"

#include <cassert>
#include <cstdint>

#include "common/crypto.h"

namespace howler::sync {
namespace {

constexpr char kVersion = 0x01;
constexpr std::size_t kPayloadSize = 1 + 8;  // version + seq
constexpr std::size_t kChecksumSize = 4;
constexpr std::size_t kEncodedSize = 18;  // base64url of 13 bytes

std::string Checksum(std::string_view payload) {
  return Sha256(payload).substr(0, kChecksumSize);
}

Status Invalid() {
  return InvalidArgumentError("invalid cursor");
}

}  // namespace

std::string EncodeCursor(const Cursor& cursor) {
  assert(cursor.seq >= 0);
  std::string bytes(1, kVersion);
  const auto seq = static_cast<std::uint64_t>(cursor.seq);
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes += static_cast<char>((seq >> shift) & 0xFF);
  }
  bytes += Checksum(bytes);
  return Base64UrlEncode(bytes);
}

Result<Cursor> DecodeCursor(std::string_view text) {
  if (text.size() != kEncodedSize) {
    return Invalid();  // also refuses the padded spelling: one text per cursor
  }
  Result<std::string> bytes = Base64UrlDecode(text);
  if (!bytes.ok() || bytes->size() != kPayloadSize + kChecksumSize || (*bytes)[0] != kVersion) {
    return Invalid();
  }
  const std::string_view payload = std::string_view(*bytes).substr(0, kPayloadSize);
  if (!ConstantTimeEquals(Checksum(payload), std::string_view(*bytes).substr(kPayloadSize))) {
    return Invalid();
  }
  std::uint64_t seq = 0;
  for (std::size_t i = 1; i < kPayloadSize; ++i) {
    seq = (seq << 8) | static_cast<unsigned char>(payload[i]);
  }
  if (seq > static_cast<std::uint64_t>(INT64_MAX)) {
    return Invalid();
  }
  return Cursor{static_cast<std::int64_t>(seq)};
}

}  // namespace howler::sync
