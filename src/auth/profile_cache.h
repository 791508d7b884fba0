// ProfileCache: users recently read by this instance, so that profile reads (GET /me,
// GetProfile) need not read the users row every time.
//
// Contract:
// - Get returns a record Put less than `ttl` ago and not invalidated since, else nullopt.
// - Invalidate(user_id) takes effect at once on this instance: AuthService calls it for
//   every write to a user it makes. Writes made elsewhere (another instance, the `user`
//   CLI) show within `ttl`, the same bound as session revocations (SESSION_CACHE_TTL).
// - A read that raced with a write cannot cache the old record: Put takes the generation
//   returned by Generation() before the read and is ignored when any invalidation
//   happened since.
// - Memory follows the users in use: each Put first drops its shard's expired records in
//   the order they were put (amortized O(1) per Put), so the cache holds about the users
//   read within `ttl`. An unexpired record is never dropped this way.
// - At most `max_entries` records are kept (a second line of defence); a full cache drops
//   an arbitrary entry.
// Records are stored without their password hash. Thread-safe; the Clock must outlive it.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/clock.h"
#include "storage/auth_records.h"

namespace howler::auth {

class ProfileCache {
 public:
  ProfileCache(std::chrono::milliseconds ttl, std::size_t max_entries, const Clock& clock);

  std::optional<storage::UserRecord> Get(std::string_view user_id);
  std::uint64_t Generation() const { return generation_.load(std::memory_order_acquire); }
  void Put(storage::UserRecord user, std::uint64_t generation);
  void Invalidate(std::string_view user_id);
  // The number of records held (<= max_entries); expired ones until their shard's next Put.
  std::size_t size() const;

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    storage::UserRecord user;
    TimePoint expires_at;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
    // (expires_at, user id) in the order put, so in order of expiry; an element whose
    // user now holds another expiry (or none) is stale and skipped. Compacted when it
    // reaches twice the shard's bound.
    std::deque<std::pair<TimePoint, std::string>> expiry;
  };
  Shard& ShardOf(std::string_view user_id);
  // Both require shard.mu.
  static void DropExpired(Shard& shard, TimePoint now);
  static void CompactQueue(Shard& shard);

  const std::chrono::milliseconds ttl_;
  const std::size_t max_per_shard_;
  const Clock& clock_;
  std::atomic<std::uint64_t> generation_{0};
  std::array<Shard, kShards> shards_;
};

}  // namespace howler::auth
