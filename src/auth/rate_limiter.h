// RateLimiter: an in-memory token bucket per key (client IP, user id), for the
// RATE_LIMIT_*_PER_MIN limits of API.md.
//
// Each key may burst `per_minute` requests and regains `per_minute` per 60 s, continuously.
// A bucket refilled to full is the same as no bucket, so memory follows the keys in use:
// each new key first drops, from its shard's least recently used end, the buckets that
// are full again by now (amortized O(1) per call; a bucket unused for 60 s is always full,
// so a shard then holds only keys used within the last 60 s). A bucket short of even a
// fraction of a token is never dropped this way: nobody is forgiven early.
// At most `max_keys` buckets are kept (a second line of defence): a new key evicts the
// least recently used one
// (whose bucket is the most likely to be full again, so eviction rarely forgives anyone;
// an attacker cycling through more than max_keys keys can reset buckets, so size max_keys
// well above the number of concurrently active clients). `per_minute == 0` allows
// everything and keeps no state. Time comes from the Clock; a clock moving backwards never
// adds tokens.
// Thread-safety: all methods are safe to call concurrently (keys are sharded over
// mutex-protected partitions). The Clock must outlive the limiter.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace howler::auth {

class RateLimiter {
 public:
  // `max_keys` below 1 is treated as 1.
  RateLimiter(std::uint32_t per_minute, std::size_t max_keys, const Clock& clock);

  struct Decision {
    bool allowed;
    int retry_after_seconds;  // 0 when allowed; otherwise >= 1, when the next token is due
  };

  // Takes one token from `key`'s bucket when it has one.
  Decision Allow(std::string_view key);

  // The number of keys currently tracked (<= max_keys).
  std::size_t size() const;

 private:
  static constexpr std::size_t kShards = 16;

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  struct Bucket {
    std::int64_t units;    // tokens scaled by kUnitsPerToken
    std::int64_t last_ms;  // when `units` was last brought up to date
    std::list<std::string>::iterator lru;
  };

  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket, StringHash, std::equal_to<>> buckets;
    std::list<std::string> lru;  // most recently used first
  };

  Bucket& Touch(Shard& shard, std::string_view key, std::int64_t now_ms);
  void DropFullBuckets(Shard& shard, std::int64_t now_ms) const;
  bool FullAt(const Bucket& bucket, std::int64_t now_ms) const;
  std::int64_t RefilledUnits(const Bucket& bucket, std::int64_t now_ms) const;
  void Refill(Bucket& bucket, std::int64_t now_ms) const;
  Decision Take(Bucket& bucket) const;

  const std::int64_t per_minute_;
  const std::size_t shard_count_;
  const std::size_t keys_per_shard_;
  const Clock& clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace howler::auth
