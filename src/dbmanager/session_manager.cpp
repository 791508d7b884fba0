#include "dbmanager/session_manager.h"

#include <algorithm>
#include <future>

#include "common/crypto.h"
#include "dbmanager/engine_errors.h"
#include "dbmanager/metered_connection.h"

namespace howler::dbmanager {
namespace {

Status SessionNotFound() {
  return NotFoundError("session not found");
}

// Closes connections outside the manager's lock (a close may wait for a cancel).
void CloseEach(std::vector<std::shared_ptr<Connection>>& connections) {
  for (auto& connection : connections) {
    connection->Close();
  }
}

}  // namespace

SessionManager::SessionManager(std::map<EngineKind, Engine*> engines, const AddressPolicy& policy,
                               Resolver& resolver, const Clock& clock, SessionLimits limits,
                               metrics::Metrics* metrics)
    : engines_(std::move(engines)),
      policy_(policy),
      resolver_(resolver),
      clock_(clock),
      limits_(limits),
      metrics_(metrics) {}

void SessionManager::PublishCounts() {
  if (metrics_ == nullptr) {
    return;
  }
  const std::map<EngineKind, int> counts = OpenCounts();
  for (EngineKind engine : {EngineKind::kPostgres, EngineKind::kMariadb, EngineKind::kLibsql}) {
    auto it = counts.find(engine);
    metrics_->SetDbManagerSessions(EngineName(engine), it == counts.end() ? 0 : it->second);
  }
}

SessionManager::~SessionManager() {
  CloseAll();
  std::unique_lock lock(mutex_);
  no_pending_.wait(lock, [this] { return pending_.empty(); });
}

int SessionManager::UserCount(const std::string& user_id) const {
  int count = 0;
  for (const auto& [id, entry] : sessions_) {
    count += entry.user_id == user_id ? 1 : 0;
  }
  auto it = pending_.find(user_id);
  return count + (it == pending_.end() ? 0 : it->second);
}

void SessionManager::Open(const std::string& user_id, ConnectionSpec spec, Secret password,
                          std::function<void(Result<SessionInfo>)> done) {
  auto engine = engines_.find(spec.engine);
  if (engine == engines_.end() || engine->second == nullptr) {
    done(InvalidArgumentError("engine not available"));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      done(UnavailableError("server is shutting down"));
      return;
    }
    if (UserCount(user_id) >= limits_.max_sessions_per_user) {
      done(Status(StatusCode::kResourceExhausted, "too many open database sessions"));
      return;
    }
    ++pending_[user_id];
  }
  auto address = policy_.Check(spec.host, resolver_);
  if (!address.ok()) {
    ReleasePending(user_id);
    done(address.status());
    return;
  }
  spec.address = *address;
  SessionInfo info{HexEncode(RandomBytes(16)),
                   spec.engine,
                   spec.host,
                   spec.port,
                   spec.database,
                   spec.username,
                   spec.read_only,
                   clock_.Now(),
                   clock_.Now()};
  engine->second->Connect(std::move(spec), std::move(password),
                          [this, user_id, info = std::move(info), done = std::move(done)](
                              Result<std::unique_ptr<Connection>> connection) mutable {
                            if (!connection.ok()) {
                              ReleasePending(user_id);
                              done(connection.status());
                              return;
                            }
                            Register(user_id, info, std::move(connection).value());
                            done(std::move(info));
                          });
}

void SessionManager::ReleasePending(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  if (--pending_[user_id] <= 0) {
    pending_.erase(user_id);
  }
  no_pending_.notify_all();
}

void SessionManager::Register(const std::string& user_id, SessionInfo info,
                              std::unique_ptr<Connection> connection) {
  std::shared_ptr<Connection> late;
  {
    std::lock_guard lock(mutex_);
    if (--pending_[user_id] <= 0) {
      pending_.erase(user_id);
    }
    if (closed_) {
      late = std::move(connection);  // opened while shutting down: closed at once
    } else {
      const std::string id = info.id;
      std::shared_ptr<Connection> held =
          metrics_ != nullptr
              ? std::make_shared<MeteredConnection>(std::move(connection), *metrics_)
              : std::shared_ptr<Connection>(std::move(connection));
      sessions_.emplace(id, Entry{user_id, std::move(info), std::move(held)});
    }
    no_pending_.notify_all();
  }
  if (late != nullptr) {
    late->Close();
  }
  PublishCounts();
}

std::vector<SessionInfo> SessionManager::List(const std::string& user_id) const {
  std::vector<SessionInfo> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : sessions_) {
      if (entry.user_id == user_id) {
        out.push_back(entry.info);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const SessionInfo& a, const SessionInfo& b) {
    return a.opened_at != b.opened_at ? a.opened_at < b.opened_at : a.id < b.id;
  });
  return out;
}

Result<std::shared_ptr<Connection>> SessionManager::Use(const std::string& user_id,
                                                        const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.user_id != user_id) {
    return SessionNotFound();
  }
  it->second.info.last_used_at = clock_.Now();
  return it->second.connection;
}

Status SessionManager::Close(const std::string& user_id, const std::string& id) {
  std::vector<std::shared_ptr<Connection>> closing;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || it->second.user_id != user_id) {
      return SessionNotFound();
    }
    closing.push_back(std::move(it->second.connection));
    sessions_.erase(it);
  }
  CloseEach(closing);
  PublishCounts();
  return Status::Ok();
}

int SessionManager::Sweep() {
  std::vector<std::shared_ptr<Connection>> closing;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = clock_.Now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      const SessionInfo& info = it->second.info;
      if (it->second.connection->broken() || now - info.last_used_at > limits_.idle_timeout ||
          now - info.opened_at > limits_.max_age) {
        closing.push_back(std::move(it->second.connection));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  CloseEach(closing);
  PublishCounts();
  return static_cast<int>(closing.size());
}

int SessionManager::PingAll(std::chrono::milliseconds timeout) {
  std::vector<std::pair<std::string, std::shared_ptr<Connection>>> all;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = clock_.Now();
    for (const auto& [id, entry] : sessions_) {
      if (now - entry.info.last_used_at < kPingAfterIdle) continue;
      all.emplace_back(id, entry.connection);
    }
  }
  std::vector<std::future<Status>> answers;
  for (auto& [id, connection] : all) {
    auto promise = std::make_shared<std::promise<Status>>();
    answers.push_back(promise->get_future());
    connection->Ping([promise](Status status) { promise->set_value(std::move(status)); });
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::shared_ptr<Connection>> closing;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const bool answered = answers[i].wait_until(deadline) == std::future_status::ready;
    const Status status = answered ? answers[i].get() : Status(StatusCode::kDeadlineExceeded, "");
    if (status.ok() || status == QueryRunningError()) {
      continue;
    }
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(all[i].first);
    if (it != sessions_.end()) {
      closing.push_back(std::move(it->second.connection));
      sessions_.erase(it);
    }
  }
  CloseEach(closing);
  PublishCounts();
  return static_cast<int>(closing.size());
}

int SessionManager::CloseAll() {
  std::vector<std::shared_ptr<Connection>> closing;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& [id, entry] : sessions_) {
      closing.push_back(std::move(entry.connection));
    }
    sessions_.clear();
  }
  CloseEach(closing);
  PublishCounts();
  return static_cast<int>(closing.size());
}

std::map<EngineKind, int> SessionManager::OpenCounts() const {
  std::map<EngineKind, int> counts;
  std::lock_guard lock(mutex_);
  for (const auto& [id, entry] : sessions_) {
    ++counts[entry.info.engine];
  }
  return counts;
}

}  // namespace howler::dbmanager
