// Small cryptographic and encoding helpers over libsodium. Every function is safe from any
// thread; those needing libsodium initialise it themselves (EnsureSodium).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace howler {

// Initialises libsodium once per process; aborts the process if that fails.
void EnsureSodium();

// n bytes from the operating system's CSPRNG.
std::string RandomBytes(std::size_t n);

// Lowercase hex. HexDecode accepts either case and rejects odd lengths and non-hex.
std::string HexEncode(std::string_view bytes);
Result<std::string> HexDecode(std::string_view hex);

// RFC 4648 section 5 (URL-safe alphabet), without padding. The decoder also accepts
// padded input and rejects whitespace, other alphabets and non-canonical trailing bits.
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

// RFC 4648 section 4 (standard alphabet), padded. The decoder accepts padded and
// unpadded input.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

// 32 raw bytes.
std::string Sha256(std::string_view data);
// 32 raw bytes; any key length (RFC 2104).
std::string HmacSha256(std::string_view key, std::string_view data);

// Equal contents, compared in time independent of the contents (not of the lengths).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace howler
