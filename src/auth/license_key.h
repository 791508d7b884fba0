// License keys: the desktop client's sync credential (docs/API.md "Auth", license key).
//
// A key is `SQL-INDIVIDUAL-{uuid v4, lowercase}-{CRC}`, where CRC is the CRC-16/CCITT-FALSE
// of `INDIVIDUAL-{uuid}` as 4 uppercase hex digits: the format the client checks locally
// (`/^SQL-([A-Z]+)-([0-9a-f-]+)-([A-F0-9]{4})$/i` and the CRC of `TIER-uuid`). The secret
// is the uuid's 122 random bits; the CRC only lets the client (and the server, before any
// lookup) reject a mistyped key. The server keeps only LicenseKeyHash(key), bound to the
// session the key was issued with (AuthService).
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace howler::auth {

// The tier of every key the server issues.
inline constexpr std::string_view kLicenseTier = "INDIVIDUAL";

// The longest text LooksLikeLicenseKey accepts (an issued key is 56 bytes).
inline constexpr std::size_t kMaxLicenseKeyBytes = 128;

// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final xor
// ("123456789" -> 0x29B1).
std::uint16_t Crc16CcittFalse(std::string_view data);

// A new key from the operating system's CSPRNG (common/crypto.h RandomBytes).
std::string NewLicenseKey();

// Whether `text` has the shape of the client's validator regex (any case, at most
// kMaxLicenseKeyBytes). Used to route a bearer credential: an access token never has it.
bool LooksLikeLicenseKey(std::string_view text);

// Whether `key` has that shape and its CRC matches `TIER-uuid` as the client computes it
// (the CRC digits compared in any case).
bool HasValidLicenseChecksum(std::string_view key);

// The stored form of a key: lowercase hex of its SHA-256.
std::string LicenseKeyHash(std::string_view key);

}  // namespace howler::auth
