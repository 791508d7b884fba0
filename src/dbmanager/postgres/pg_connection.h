// PgConnection: one established libpq connection and its running query (see
// postgres_engine.h for the threading contract). Internal to the PostgreSQL engine.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <mutex>

#include "dbmanager/connection.h"
#include "dbmanager/reactor.h"

namespace howler::dbmanager {

class PgQuery;

// Shared by the Connection handle, the running PgQuery and the reactor's callbacks.
class PgCore : public std::enable_shared_from_this<PgCore> {
 public:
  PgCore(Reactor& reactor, PGconn* conn);
  ~PgCore();

  Reactor& reactor() { return reactor_; }
  PGconn* conn() { return conn_; }  // reactor thread only

  // Starts a query (any thread). nullptr-free: the stream fails at once when busy.
  std::shared_ptr<QueryStream> Start(QueryRequest request);
  // Sends a cancel request for the running query (any thread; blocks for it).
  void SendCancel();
  // Marks the connection lost (reactor thread).
  void MarkBroken() { broken_ = true; }
  bool broken() const { return broken_; }
  bool closed() const { return closed_; }
  // The running query ended (reactor thread).
  void QueryEnded();
  // Closes and waits until libpq freed the connection (any thread but the reactor's).
  void Close();

  int applied_timeout_ms = 0;  // reactor thread only

 private:
  static void OnNotice(void* self, const PGresult* result);

  Reactor& reactor_;
  PGconn* conn_;  // reactor thread only; nullptr once closed
  std::mutex cancel_mutex_;
  PGcancel* cancel_ = nullptr;  // guarded by cancel_mutex_
  std::atomic<bool> broken_{false};
  std::atomic<bool> closed_{false};
  std::atomic<bool> busy_{false};
  std::shared_ptr<PgQuery> current_;  // reactor thread only
};

// The Connection handed out; closes its core when destroyed.
class PgConnection : public Connection {
 public:
  explicit PgConnection(std::shared_ptr<PgCore> core) : core_(std::move(core)) {}
  ~PgConnection() override { Close(); }

  EngineKind engine() const override { return EngineKind::kPostgres; }
  std::shared_ptr<QueryStream> Query(QueryRequest request) override;
  std::shared_ptr<QueryStream> Explain(std::string sql) override;
  void LoadSchema(std::function<void(Result<Schema>)> done) override;
  void Ping(std::function<void(Status)> done) override;
  bool broken() const override { return core_->broken(); }
  void Close() override { core_->Close(); }

 private:
  std::shared_ptr<PgCore> core_;
};

}  // namespace howler::dbmanager
