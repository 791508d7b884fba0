// MariaCore and MariaQuery: one libmariadb connection on its own thread, and the query
// running on it (see mariadb_engine.h for the threading contract). Internal to the engine.
#pragma once

#include <mysql.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>

#include "dbmanager/connection.h"
#include "dbmanager/secret.h"
#include "dbmanager/task_thread.h"

namespace howler::dbmanager {

// Opens a MYSQL connection for `spec` (blocking; any thread but an I/O thread). On
// failure the handle is closed and the connect error (engine.h) returned.
Result<MYSQL*> OpenMaria(const ConnectionSpec& spec, const Secret& password);

// Zeroes libmariadb's copy of the password, then closes `conn`.
void CloseMaria(MYSQL* conn);

class MariaQuery;

class MariaCore : public std::enable_shared_from_this<MariaCore> {
 public:
  MariaCore(ConnectionSpec spec, Secret password, MYSQL* conn, std::unique_ptr<TaskThread> thread);
  ~MariaCore();

  std::shared_ptr<QueryStream> Start(QueryRequest request);
  void Ping(std::function<void(Status)> done);
  bool broken() const { return broken_; }
  void Close();

  // For MariaQuery (connection thread):
  MYSQL* conn() { return conn_; }
  TaskThread& thread() { return *thread_; }
  void MarkBroken() { broken_ = true; }
  void QueryEnded();
  // Any thread: KILL QUERY through a second connection; blocks for it.
  void SendKill();

 private:
  const ConnectionSpec spec_;
  std::mutex password_mutex_;
  Secret password_;  // guarded by password_mutex_; wiped on Close
  MYSQL* conn_;      // connection thread only; nullptr once closed
  const unsigned long thread_id_;
  std::unique_ptr<TaskThread> thread_;
  std::atomic<bool> broken_{false};
  std::atomic<bool> closed_{false};
  std::atomic<bool> busy_{false};
  std::shared_ptr<MariaQuery> current_;  // connection thread only
};

class MariaQuery : public QueryStream, public std::enable_shared_from_this<MariaQuery> {
 public:
  MariaQuery(std::shared_ptr<MariaCore> core, QueryRequest request)
      : core_(std::move(core)), request_(std::move(request)) {}

  void Next(std::function<void(QueryEvent)> deliver) override;
  void Cancel() override;

  // Connection thread:
  void Begin();
  void Abort(Status error);

 private:
  void FetchBatch();
  Status MapError();
  void CollectWarnings();
  void Finish(Status error);

  std::shared_ptr<MariaCore> core_;
  QueryRequest request_;
  std::atomic<bool> cancel_requested_{false};
  // Connection thread only:
  bool done_ = false;
  MYSQL_RES* result_ = nullptr;
  std::deque<QueryEvent> ready_;
  QuerySummary summary_;
  std::chrono::steady_clock::time_point started_;
};

class MariaConnection : public Connection {
 public:
  explicit MariaConnection(std::shared_ptr<MariaCore> core) : core_(std::move(core)) {}
  ~MariaConnection() override { Close(); }

  EngineKind engine() const override { return EngineKind::kMariadb; }
  std::shared_ptr<QueryStream> Query(QueryRequest request) override;
  std::shared_ptr<QueryStream> Explain(std::string sql) override;
  void LoadSchema(std::function<void(Result<Schema>)> done) override;
  void Ping(std::function<void(Status)> done) override { core_->Ping(std::move(done)); }
  bool broken() const override { return core_->broken(); }
  void Close() override { core_->Close(); }

 private:
  std::shared_ptr<MariaCore> core_;
};

}  // namespace howler::dbmanager
