#include "auth/rate_limiter.h"

#include <algorithm>

namespace howler::auth {
namespace {

// One token is 60,000 units so that refilling `per_minute` tokens per 60,000 ms adds
// exactly `per_minute` units per millisecond: all arithmetic stays in integers.
constexpr std::int64_t kUnitsPerToken = 60'000;
constexpr std::int64_t kFullRefillMs = 60'000;

std::size_t ShardIndex(std::string_view key, std::size_t shard_count) {
  // Remix so the shard does not correlate with the bucket inside the shard's map.
  const std::uint64_t h = std::hash<std::string_view>{}(key)*0x9E3779B97F4A7C15ULL;
  return static_cast<std::size_t>(h >> 32) % shard_count;
}

}  // namespace

RateLimiter::RateLimiter(std::uint32_t per_minute, std::size_t max_keys, const Clock& clock)
    : per_minute_(per_minute),
      shard_count_(std::clamp<std::size_t>(max_keys, 1, kShards)),
      keys_per_shard_(std::max<std::size_t>(max_keys, 1) / shard_count_),
      clock_(clock) {}

RateLimiter::Decision RateLimiter::Allow(std::string_view key) {
  if (per_minute_ == 0) {
    return {true, 0};
  }
  const std::int64_t now_ms = clock_.NowMillis();
  Shard& shard = shards_[ShardIndex(key, shard_count_)];
  std::lock_guard<std::mutex> lock(shard.mu);
  Bucket& bucket = Touch(shard, key, now_ms);
  Refill(bucket, now_ms);
  return Take(bucket);
}

std::size_t RateLimiter::size() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mu);
    total += shards_[i].buckets.size();
  }
  return total;
}

// The bucket of `key`, marked most recently used; a new one is created full, after
// dropping the shard's buckets that are full again (and evicting the least recently used
// one when the shard is still at capacity). Requires shard.mu.
RateLimiter::Bucket& RateLimiter::Touch(Shard& shard, std::string_view key, std::int64_t now_ms) {
  if (auto it = shard.buckets.find(key); it != shard.buckets.end()) {
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second.lru);
    return it->second;
  }
  DropFullBuckets(shard, now_ms);
  if (shard.buckets.size() >= keys_per_shard_) {
    shard.buckets.erase(shard.lru.back());
    shard.lru.pop_back();
  }
  shard.lru.emplace_front(key);
  const Bucket fresh{per_minute_ * kUnitsPerToken, now_ms, shard.lru.begin()};
  return shard.buckets.emplace(shard.lru.front(), fresh).first->second;
}

// Pops the least recently used end while its bucket would refill to full by `now_ms`:
// amortized O(1), as each bucket is popped at most once. Requires shard.mu.
void RateLimiter::DropFullBuckets(Shard& shard, std::int64_t now_ms) const {
  while (!shard.lru.empty()) {
    auto it = shard.buckets.find(shard.lru.back());
    if (!FullAt(it->second, now_ms)) return;
    shard.buckets.erase(it);
    shard.lru.pop_back();
  }
}

// The bucket's units once refilled up to `now_ms` (a clock moving backwards adds none).
std::int64_t RateLimiter::RefilledUnits(const Bucket& bucket, std::int64_t now_ms) const {
  const std::int64_t elapsed = std::min(now_ms - bucket.last_ms, kFullRefillMs);
  return std::min(per_minute_ * kUnitsPerToken,
                  bucket.units + std::max<std::int64_t>(elapsed, 0) * per_minute_);
}

// Whether Refill(bucket, now_ms) would make the bucket exactly full.
bool RateLimiter::FullAt(const Bucket& bucket, std::int64_t now_ms) const {
  return RefilledUnits(bucket, now_ms) == per_minute_ * kUnitsPerToken;
}

void RateLimiter::Refill(Bucket& bucket, std::int64_t now_ms) const {
  bucket.units = RefilledUnits(bucket, now_ms);
  bucket.last_ms = now_ms;
}

RateLimiter::Decision RateLimiter::Take(Bucket& bucket) const {
  if (bucket.units >= kUnitsPerToken) {
    bucket.units -= kUnitsPerToken;
    return {true, 0};
  }
  const std::int64_t wait_ms = (kUnitsPerToken - bucket.units + per_minute_ - 1) / per_minute_;
  const std::int64_t wait_s = (wait_ms + 999) / 1000;
  return {false, static_cast<int>(std::max<std::int64_t>(wait_s, 1))};
}

}  // namespace howler::auth
