// Identifiers: RFC 9562 UUIDv7 strings, used for every row id, session id and request id.
// Thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace howler {

// Makes RFC 9562 UUIDv7 strings: "0190a6f2-3c4d-7e5f-8a9b-0123456789ab", lowercase
// 8-4-4-4-12 hex, 48-bit Unix-millisecond timestamp from `now`, version 7, variant 0b10,
// the rest random (libsodium). An id made later compares (as a string) greater than every
// id the same generator made earlier, even when `now` repeats or goes backwards: the
// timestamp then stays at the largest one seen and a 12-bit counter in rand_a increases.
// Thread-safe.
class UuidV7Generator {
 public:
  std::string Next(TimePoint now);

 private:
  // Random bytes drawn from libsodium in blocks (guarded by mu_).
  void TakeRandom(unsigned char* out, std::size_t n);
  std::uint16_t TakeRandom16();

  std::mutex mu_;
  std::int64_t last_ms_ = -1;
  std::uint16_t counter_ = 0;
  std::array<unsigned char, 512> pool_{};
  std::size_t pool_used_ = 512;
};

// UuidV7Generator::Next on the process-wide generator.
std::string NewUuidV7(TimePoint now);

// True for the canonical 36-character form (8-4-4-4-12 hex digits, either case).
bool IsUuid(std::string_view s);

// The Unix-millisecond timestamp of a UUIDv7; nullopt when `s` is not a version 7 UUID.
std::optional<std::int64_t> UuidV7UnixMillis(std::string_view s);

// Whether a request id sent by a client may be echoed and logged (X-Request-Id over HTTP,
// `x-request-id` metadata over gRPC): 1-128 of [A-Za-z0-9._:-].
bool IsValidRequestId(std::string_view id);

}  // namespace howler
