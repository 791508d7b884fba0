#include "common/ids.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <mutex>

#include "common/crypto.h"
#include "common/time_format.h"

namespace howler {
namespace {

constexpr std::int64_t kMaxMillis = (std::int64_t{1} << 48) - 1;
constexpr std::uint16_t kMaxCounter = 0x0FFF;

// A random start in the lower half leaves room for at least 2048 ids per millisecond.
std::uint16_t RandomCounterStart(std::uint16_t random) {
  return random & 0x07FF;
}

// The 16 bytes of a canonical UUID string, or nullopt.
std::optional<std::string> UuidBytes(std::string_view s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
    return std::nullopt;
  }
  std::string hex;
  hex.reserve(32);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '-') {
      hex += s[i];
    }
  }
  auto bytes = HexDecode(hex);
  if (!bytes.ok() || bytes->size() != 16) {
    return std::nullopt;
  }
  return std::move(bytes).value();
}

}  // namespace

void UuidV7Generator::TakeRandom(unsigned char* out, std::size_t n) {
  if (pool_used_ + n > pool_.size()) {
    randombytes_buf(pool_.data(), pool_.size());  // one system call per 64 ids
    pool_used_ = 0;
  }
  std::memcpy(out, pool_.data() + pool_used_, n);
  pool_used_ += n;
}

std::uint16_t UuidV7Generator::TakeRandom16() {
  std::uint16_t r = 0;
  TakeRandom(reinterpret_cast<unsigned char*>(&r), sizeof r);
  return r;
}

std::string UuidV7Generator::Next(TimePoint now) {
  EnsureSodium();
  const std::int64_t now_ms = std::clamp<std::int64_t>(ToUnixMillis(now), 0, kMaxMillis);
  std::int64_t ms = 0;
  std::uint16_t counter = 0;
  std::array<unsigned char, 16> b{};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now_ms > last_ms_) {
      last_ms_ = now_ms;
      counter_ = RandomCounterStart(TakeRandom16());
    } else if (counter_ < kMaxCounter) {
      ++counter_;
    } else {
      last_ms_ = std::min(last_ms_ + 1, kMaxMillis);
      counter_ = RandomCounterStart(TakeRandom16());
    }
    ms = last_ms_;
    counter = counter_;
    TakeRandom(b.data() + 8, 8);
  }
  for (int i = 0; i < 6; ++i) {
    b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  }
  b[6] = static_cast<unsigned char>(0x70 | (counter >> 8));
  b[7] = static_cast<unsigned char>(counter & 0xFF);
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));
  const std::string hex =
      HexEncode(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
         hex.substr(16, 4) + '-' + hex.substr(20);
}

std::string NewUuidV7(TimePoint now) {
  static UuidV7Generator generator;
  return generator.Next(now);
}

bool IsUuid(std::string_view s) {
  return UuidBytes(s).has_value();
}

std::optional<std::int64_t> UuidV7UnixMillis(std::string_view s) {
  const std::optional<std::string> b = UuidBytes(s);
  if (!b || (static_cast<unsigned char>((*b)[6]) >> 4) != 7 ||
      (static_cast<unsigned char>((*b)[8]) >> 6) != 2) {
    return std::nullopt;
  }
  std::int64_t ms = 0;
  for (int i = 0; i < 6; ++i) {
    ms = ms << 8 | static_cast<unsigned char>((*b)[i]);
  }
  return ms;
}

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == ':';
  });
}

}  // namespace howler
