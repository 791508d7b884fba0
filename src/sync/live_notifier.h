// LiveNotifier: tells a user's connected devices that the user's sync state moved (API.md
// "Live sync"). One per process; the WebSocket route and the gRPC Watch stream register
// listeners, SyncService reports every committed upload and resolution.
//
// Contract:
// - A listener gets OnState(state, /*hello=*/true) with the user's current state once it
//   is read after Subscribe, then OnState(state, false) each time the user's sequence or
//   open-conflict count differs from what that listener was last given. Only the latest
//   state is kept per user (a slot, no queue): a listener that was given nothing in
//   between sees one call with the newest state, never a backlog.
// - Changed() (a write committed on this instance) makes the next round read that user's
//   state at once, with no polling delay. With `poll` set (a database other instances
//   write to), every `poll_interval` one read covers every user that has listeners here,
//   however many (SyncStore::ReadLiveStates: one round trip).
// - Every `session_check_interval` one read checks the sessions of all listeners; a
//   listener whose session is no longer usable (revoked, expired, user disabled) gets
//   OnEnd(kSessionEnded). A listener whose token expiry passed gets OnEnd(kTokenExpired).
//   Stop() gives every listener OnEnd(kShutdown). A listener given OnEnd is dropped: it
//   gets no further call and need not Unsubscribe (doing so is harmless).
// - A failed read changes nothing: listeners stay, the read is retried next round.
// - Caps: RESOURCE_EXHAUSTED from Subscribe past max_per_user listeners of one user,
//   UNAVAILABLE past max_total on the instance or after Stop.
// Threads: every public method is thread-safe. Listener callbacks run on the notifier's
// thread (or the thread calling Tick/Stop) under its lock, one at a time: they must not
// block and must not call back into the notifier.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "storage/sync_records.h"

namespace howler::metrics {
class Metrics;
}

namespace howler::sync {

struct LiveState {
  std::int64_t seq = 0;
  std::int64_t conflicts = 0;
  std::string by_device;  // the device whose write moved the sequence last; "" unknown
};

enum class LiveEnd { kTokenExpired, kSessionEnded, kShutdown };

class LiveListener {
 public:
  virtual ~LiveListener() = default;
  virtual void OnState(const LiveState& state, bool hello) = 0;
  // Every heartbeat_interval, to listeners that have had their hello.
  virtual void OnHeartbeat() = 0;
  virtual void OnEnd(LiveEnd reason) = 0;
};

// The reads the notifier needs, bound by the composition root to the stores.
struct LiveReads {
  std::function<Result<std::vector<storage::LiveStateRecord>>(std::span<const std::string>)> states;
  // The usable ones among the session ids.
  std::function<Result<std::vector<std::string>>(std::span<const std::string>)> active_sessions;
};

struct LiveOptions {
  bool poll = false;  // another instance may write the database
  std::chrono::milliseconds poll_interval = std::chrono::seconds(1);  // LIVE_POLL_INTERVAL
  std::chrono::milliseconds session_check_interval = std::chrono::seconds(10);  // SESSION_CACHE_TTL
  std::chrono::milliseconds heartbeat_interval = std::chrono::seconds(15);
  std::size_t max_per_user = 8;   // LIVE_MAX_PER_USER
  std::size_t max_total = 20000;  // LIVE_MAX_CONNECTIONS
};

struct LiveSubscriber {
  std::string user_id;
  std::string session_id;
  TimePoint token_expires_at{};  // the epoch: no expiry
  std::shared_ptr<LiveListener> listener;
};

class LiveNotifier {
 public:
  // `metrics` may be null; the clock and metrics must outlive the notifier.
  LiveNotifier(LiveOptions options, LiveReads reads, const Clock& clock, metrics::Metrics* metrics);
  ~LiveNotifier();
  LiveNotifier(const LiveNotifier&) = delete;
  LiveNotifier& operator=(const LiveNotifier&) = delete;

  // Starts the thread that runs Tick() when something is due.
  void Start();
  // Ends every listener with kShutdown and stops the thread; later Subscribes fail.
  void Stop();

  Result<std::uint64_t> Subscribe(LiveSubscriber subscriber);
  void Unsubscribe(std::uint64_t id);
  // A write of `user_id` by `device_id` committed on this instance.
  void Changed(std::string_view user_id, std::string_view device_id);

  // One round: expiries, the reads that are due, the calls they cause. Called by the
  // thread; tests without Start() call it directly (never both).
  void Tick();

  std::size_t listeners() const;
  const LiveOptions& options() const { return options_; }

 private:
  struct Sub {
    std::string user_id;
    std::string session_id;
    TimePoint expires_at;
    std::shared_ptr<LiveListener> listener;
    bool greeted = false;
    LiveState sent;
  };
  struct User {
    std::unordered_set<std::uint64_t> subs;
  };
  // What one round reads, taken under the lock.
  struct Plan {
    std::vector<std::string> users;
    std::unordered_map<std::string, std::string> device_hints;
    std::vector<std::string> sessions;
    bool heartbeat = false;
  };

  Plan TakePlanLocked(TimePoint now);
  void ApplyStatesLocked(const Plan& plan, const std::vector<storage::LiveStateRecord>& records);
  void ApplySessionsLocked(const Plan& plan, const std::vector<std::string>& active);
  void EndLocked(std::uint64_t id, LiveEnd reason);
  void ExpireLocked(TimePoint now);
  TimePoint NextDueLocked() const;
  void Run();

  const LiveOptions options_;
  const LiveReads reads_;
  const Clock& clock_;
  metrics::Metrics* metrics_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::unordered_map<std::uint64_t, Sub> subs_;
  std::unordered_map<std::string, User> users_;
  std::unordered_map<std::string, std::string> dirty_;  // user -> device hint ("" none)
  std::unordered_set<std::string> retry_;               // users whose read failed
  std::uint64_t next_id_ = 1;
  TimePoint next_poll_{}, next_session_check_{}, next_heartbeat_{}, next_retry_{};
  bool stopped_ = false;
  bool stop_thread_ = false;
  std::thread thread_;
};

}  // namespace howler::sync
