// SessionManager: the open database sessions of every user on this instance, each one
// Connection held in memory only (with its password, for as long as the engine needs it).
//
// Rules:
// - A session belongs to the user who opened it. Every call names the user; another
//   user's session id answers NOT_FOUND "session not found", exactly like an unknown id,
//   so ids cannot be probed. Ids are 128 random bits.
// - At most `max_sessions_per_user` sessions per user, counting those still connecting:
//   one more is RESOURCE_EXHAUSTED "too many open database sessions".
// - The host goes through the AddressPolicy first: the engine connects to the checked
//   numeric address, never to the name again (address_policy.h).
// - Sweep() closes sessions idle for longer than `idle_timeout`, older than `max_age`, and
//   broken ones (the lost-connection state engines report); call it from a timer.
// - CloseAll() (shutdown) cancels running queries and closes every session.
//
// Thread-safety: every method may be called from any thread. Open blocks the calling
// thread for the name resolution (getaddrinfo) and returns before the connection is made:
// call it on a worker, never on an I/O thread. Close, Sweep and CloseAll block for the
// engines' close (a cancel request when a query runs).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "dbmanager/address_policy.h"
#include "dbmanager/engine.h"
#include "metrics/metrics.h"

namespace howler::dbmanager {

struct SessionLimits {
  int max_sessions_per_user = 5;
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(15);
  std::chrono::milliseconds max_age = std::chrono::hours(8);
};

// What a client sees of a session (never the password).
struct SessionInfo {
  std::string id;
  EngineKind engine = EngineKind::kPostgres;
  std::string host;
  int port = 0;
  std::string database;
  std::string username;
  bool read_only = false;
  TimePoint opened_at;
  TimePoint last_used_at;
};

class SessionManager {
 public:
  // `engines` by kind (a missing kind answers INVALID_ARGUMENT "engine not available").
  // With `metrics`, sessions are counted in dbmanager_sessions_open and every query in
  // the other dbmanager_* families (MeteredConnection). Every argument must outlive the
  // manager.
  SessionManager(std::map<EngineKind, Engine*> engines, const AddressPolicy& policy,
                 Resolver& resolver, const Clock& clock, SessionLimits limits,
                 metrics::Metrics* metrics = nullptr);
  // CloseAll(), then waits for opens still connecting (bounded by their connect timeout).
  ~SessionManager();

  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  // Opens a session of `user_id`; `done` runs on the engine's thread (or inline for
  // refusals) with the new session, or the policy's or the engine's error.
  void Open(const std::string& user_id, ConnectionSpec spec, Secret password,
            std::function<void(Result<SessionInfo>)> done);

  // The user's sessions, oldest first.
  std::vector<SessionInfo> List(const std::string& user_id) const;

  // The session's connection for one call (marks it used). NOT_FOUND as above.
  Result<std::shared_ptr<Connection>> Use(const std::string& user_id, const std::string& id);

  // Closes one session. NOT_FOUND as above.
  Status Close(const std::string& user_id, const std::string& id);

  // Closes idle, too old and broken sessions; returns how many.
  int Sweep();

  // The health check (the hourly job, /health detail): pings every session at once and
  // closes those whose ping fails or does not answer within `timeout`; returns how many.
  // A session busy with a query answers "already running" and is kept. Sessions used
  // within the last kPingAfterIdle are known alive and not pinged, so that a ping rarely
  // takes the connection just when its user sends the next query (which would then be
  // refused as "already running").
  static constexpr std::chrono::minutes kPingAfterIdle{1};
  int PingAll(std::chrono::milliseconds timeout);

  // Closes every session (running queries are cancelled); returns how many.
  int CloseAll();

  // Open sessions per engine (for dbmanager_sessions_open{engine}).
  std::map<EngineKind, int> OpenCounts() const;

 private:
  struct Entry {
    std::string user_id;
    SessionInfo info;
    std::shared_ptr<Connection> connection;
  };

  void Register(const std::string& user_id, SessionInfo info,
                std::unique_ptr<Connection> connection);
  void ReleasePending(const std::string& user_id);
  int UserCount(const std::string& user_id) const;  // mutex_ held
  void PublishCounts();                             // mutex_ not held

  const std::map<EngineKind, Engine*> engines_;
  const AddressPolicy& policy_;
  Resolver& resolver_;
  const Clock& clock_;
  const SessionLimits limits_;
  metrics::Metrics* const metrics_;

  mutable std::mutex mutex_;
  std::condition_variable no_pending_;
  std::unordered_map<std::string, Entry> sessions_;  // by id; guarded by mutex_
  std::unordered_map<std::string, int> pending_;     // connecting, by user; guarded by mutex_
  bool closed_ = false;                              // guarded by mutex_
};

}  // namespace howler::dbmanager
