#include "common/crypto.h"

#include <sodium.h>

#include <cstdlib>
#include <mutex>

namespace howler {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

std::string EncodeBase64(std::string_view bytes, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), Bytes(bytes), bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> DecodeBase64(std::string_view text, int padded, int unpadded) {
  const int variant = !text.empty() && text.back() == '=' ? padded : unpadded;
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(Bytes(out), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        variant) != 0) {
    return InvalidArgumentError("invalid base64");
  }
  out.resize(len);
  return out;
}

int HexNibble(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      std::abort();
    }
  });
}

std::string RandomBytes(std::size_t n) {
  EnsureSodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0x0F];
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return InvalidArgumentError("invalid hex: odd length");
  }
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = HexNibble(hex[2 * i]);
    const int lo = HexNibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgumentError("invalid hex: unexpected character");
    }
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  return EncodeBase64(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  return DecodeBase64(text, sodium_base64_VARIANT_URLSAFE,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string Base64Encode(std::string_view bytes) {
  return EncodeBase64(bytes, sodium_base64_VARIANT_ORIGINAL);
}

Result<std::string> Base64Decode(std::string_view text) {
  return DecodeBase64(text, sodium_base64_VARIANT_ORIGINAL,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

std::string Sha256(std::string_view data) {
  EnsureSodium();
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(Bytes(out), Bytes(data), data.size());
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  EnsureSodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, Bytes(data), data.size());
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, Bytes(out));
  sodium_memzero(&state, sizeof state);
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace howler
