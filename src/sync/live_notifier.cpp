#include "sync/live_notifier.h"

#include <algorithm>

#include "common/log.h"
#include "metrics/metrics.h"

namespace howler::sync {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The longest the thread sleeps without a wake-up (token expiries are checked then).
constexpr std::chrono::milliseconds kMaxSleep{250};

}  // namespace

LiveNotifier::LiveNotifier(LiveOptions options, LiveReads reads, const Clock& clock,
                           metrics::Metrics* metrics)
    : options_(options), reads_(std::move(reads)), clock_(clock), metrics_(metrics) {
  const TimePoint now = clock_.Now();
  next_poll_ = now + options_.poll_interval;
  next_session_check_ = now + options_.session_check_interval;
  next_heartbeat_ = now + options_.heartbeat_interval;
}

LiveNotifier::~LiveNotifier() {
  Stop();
}

void LiveNotifier::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopped_) return;
  thread_ = std::thread([this] { Run(); });
}

void LiveNotifier::Stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    stop_thread_ = true;
    std::vector<std::uint64_t> ids;
    ids.reserve(subs_.size());
    for (const auto& [id, sub] : subs_) ids.push_back(id);
    for (std::uint64_t id : ids) EndLocked(id, LiveEnd::kShutdown);
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

Result<std::uint64_t> LiveNotifier::Subscribe(LiveSubscriber s) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return UnavailableError("server is shutting down");
    if (subs_.size() >= options_.max_total) {
      return UnavailableError("too many live connections on this server, retry shortly");
    }
    User& user = users_[s.user_id];
    if (user.subs.size() >= options_.max_per_user) {
      if (user.subs.empty()) users_.erase(s.user_id);
      return ResourceExhaustedError("too many live connections for this user");
    }
    id = next_id_++;
    user.subs.insert(id);
    dirty_.try_emplace(s.user_id);  // read its state at once, for the hello
    subs_.emplace(id, Sub{std::move(s.user_id),
                          std::move(s.session_id),
                          s.token_expires_at,
                          std::move(s.listener),
                          false,
                          {}});
  }
  wake_.notify_all();
  return id;
}

void LiveNotifier::Unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mu_);
  const auto it = subs_.find(id);
  if (it == subs_.end()) return;
  const auto user = users_.find(it->second.user_id);
  if (user != users_.end()) {
    user->second.subs.erase(id);
    if (user->second.subs.empty()) users_.erase(user);
  }
  subs_.erase(it);
}

void LiveNotifier::Changed(std::string_view user_id, std::string_view device_id) {
  {
    std::lock_guard lock(mu_);
    const std::string user(user_id);
    if (!users_.contains(user)) return;  // nobody listens here
    dirty_[user] = std::string(device_id);
  }
  wake_.notify_all();
}

std::size_t LiveNotifier::listeners() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

void LiveNotifier::EndLocked(std::uint64_t id, LiveEnd reason) {
  const auto it = subs_.find(id);
  if (it == subs_.end()) return;
  std::shared_ptr<LiveListener> listener = std::move(it->second.listener);
  const auto user = users_.find(it->second.user_id);
  if (user != users_.end()) {
    user->second.subs.erase(id);
    if (user->second.subs.empty()) users_.erase(user);
  }
  subs_.erase(it);
  listener->OnEnd(reason);
}

void LiveNotifier::ExpireLocked(TimePoint now) {
  std::vector<std::uint64_t> expired;
  for (const auto& [id, sub] : subs_) {
    if (sub.expires_at != TimePoint{} && sub.expires_at <= now) expired.push_back(id);
  }
  for (std::uint64_t id : expired) EndLocked(id, LiveEnd::kTokenExpired);
}

LiveNotifier::Plan LiveNotifier::TakePlanLocked(TimePoint now) {
  Plan plan;
  plan.device_hints = std::move(dirty_);
  dirty_.clear();
  std::unordered_set<std::string> wanted;
  for (const auto& [user, hint] : plan.device_hints) wanted.insert(user);
  if (!retry_.empty() && now >= next_retry_) {
    wanted.insert(retry_.begin(), retry_.end());
    retry_.clear();
  }
  if (options_.poll && now >= next_poll_) {
    next_poll_ = now + options_.poll_interval;
    for (const auto& [user, entry] : users_) wanted.insert(user);
  }
  for (const std::string& user : wanted) {
    if (users_.contains(user)) plan.users.push_back(user);
  }
  if (now >= next_session_check_) {
    next_session_check_ = now + options_.session_check_interval;
    std::unordered_set<std::string> sessions;
    for (const auto& [id, sub] : subs_) sessions.insert(sub.session_id);
    plan.sessions.assign(sessions.begin(), sessions.end());
  }
  if (now >= next_heartbeat_) {
    next_heartbeat_ = now + options_.heartbeat_interval;
    plan.heartbeat = true;
  }
  return plan;
}

void LiveNotifier::ApplyStatesLocked(const Plan& plan,
                                     const std::vector<storage::LiveStateRecord>& records) {
  std::unordered_map<std::string, const storage::LiveStateRecord*> by_user;
  for (const auto& r : records) by_user[r.user_id] = &r;
  for (const std::string& user_id : plan.users) {
    const auto user = users_.find(user_id);
    if (user == users_.end()) continue;
    LiveState state;
    if (const auto r = by_user.find(user_id); r != by_user.end()) {
      state.seq = r->second->last_seq;
      state.conflicts = r->second->open_conflicts;
      state.by_device = r->second->last_device;
    }
    if (const auto hint = plan.device_hints.find(user_id);
        hint != plan.device_hints.end() && !hint->second.empty()) {
      state.by_device = hint->second;
    }
    for (std::uint64_t id : user->second.subs) {
      Sub& sub = subs_.at(id);
      const bool hello = !sub.greeted;
      if (!hello && sub.sent.seq == state.seq && sub.sent.conflicts == state.conflicts) continue;
      sub.greeted = true;
      sub.sent = state;
      sub.listener->OnState(state, hello);
    }
  }
}

void LiveNotifier::ApplySessionsLocked(const Plan& plan, const std::vector<std::string>& active) {
  const std::unordered_set<std::string> usable(active.begin(), active.end());
  // Only the sessions that were asked about: a listener that came meanwhile waits for the
  // next check.
  std::unordered_set<std::string> ended_sessions;
  for (const std::string& id : plan.sessions) {
    if (!usable.contains(id)) ended_sessions.insert(id);
  }
  std::vector<std::uint64_t> ended;
  for (const auto& [id, sub] : subs_) {
    if (ended_sessions.contains(sub.session_id)) ended.push_back(id);
  }
  for (std::uint64_t id : ended) EndLocked(id, LiveEnd::kSessionEnded);
}

void LiveNotifier::Tick() {
  Plan plan;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    const TimePoint now = clock_.Now();
    ExpireLocked(now);
    plan = TakePlanLocked(now);
  }
  // The reads run without the lock: listeners come and go meanwhile.
  std::optional<Result<std::vector<storage::LiveStateRecord>>> states;
  if (!plan.users.empty()) {
    const auto start = std::chrono::steady_clock::now();
    states = reads_.states(plan.users);
    const bool all = options_.poll && plan.device_hints.empty();
    if (metrics_)
      metrics_->ObserveLivePoll(all ? "poll" : "local", states->ok(), SecondsSince(start));
  }
  std::optional<Result<std::vector<std::string>>> sessions;
  if (!plan.sessions.empty()) {
    const auto start = std::chrono::steady_clock::now();
    sessions = reads_.active_sessions(plan.sessions);
    if (metrics_) metrics_->ObserveLivePoll("sessions", sessions->ok(), SecondsSince(start));
  }

  std::lock_guard lock(mu_);
  if (stopped_) return;
  if (states && states->ok()) {
    ApplyStatesLocked(plan, **states);
  } else if (states) {
    log::Warn("live sync: state read failed", {{"error", states->status().ToString()}});
    retry_.insert(plan.users.begin(), plan.users.end());
    next_retry_ = clock_.Now() + options_.poll_interval;
  }
  if (sessions && sessions->ok()) {
    ApplySessionsLocked(plan, **sessions);
  } else if (sessions) {
    log::Warn("live sync: session check failed", {{"error", sessions->status().ToString()}});
    next_session_check_ = std::min(next_session_check_, clock_.Now() + options_.poll_interval);
  }
  if (plan.heartbeat) {
    for (auto& [id, sub] : subs_) {
      if (sub.greeted) sub.listener->OnHeartbeat();
    }
  }
}

TimePoint LiveNotifier::NextDueLocked() const {
  TimePoint next = std::min(next_session_check_, next_heartbeat_);
  if (options_.poll && !users_.empty()) next = std::min(next, next_poll_);
  if (!retry_.empty()) next = std::min(next, next_retry_);
  return next;
}

void LiveNotifier::Run() {
  std::unique_lock lock(mu_);
  while (!stop_thread_) {
    const auto until_due = NextDueLocked() - clock_.Now();
    const auto sleep = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until_due),
                                  std::chrono::milliseconds(0), kMaxSleep);
    wake_.wait_for(lock, sleep, [this] { return stop_thread_ || !dirty_.empty(); });
    if (stop_thread_) break;
    lock.unlock();
    Tick();
    lock.lock();
  }
}

}  // namespace howler::sync
