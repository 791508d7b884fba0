// PgQuery: one statement running on a PgCore, read in single-row mode and handed out as
// QueryStream events in batches (see postgres_engine.h for the threading contract). Every
// method but Next and Cancel runs on the reactor thread.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>

#include "dbmanager/postgres/pg_connection.h"
#include "dbmanager/query_stream.h"

namespace howler::dbmanager {

class PgQuery : public QueryStream, public std::enable_shared_from_this<PgQuery> {
 public:
  PgQuery(std::shared_ptr<PgCore> core, QueryRequest request);

  void Next(std::function<void(QueryEvent)> deliver) override;
  void Cancel() override;

  // Reactor thread: sends the statement (after SET statement_timeout when it changes).
  void Begin();
  // Reactor thread: ends the stream with `error` at once (connection closed or broken).
  void Abort(Status error);
  void AddNotice(std::string text);

 private:
  enum class Stage { kSettingTimeout, kRunning, kDone };

  void OnNext(std::function<void(QueryEvent)> deliver);
  void Send(const char* sql, bool with_params);
  void FlushThenPump();
  void Pump();
  void Handle(PGresult* result);
  void OnResultsEnd();
  void SendColumns(const PGresult* result);
  void AddRow(const PGresult* result);
  void PushBatch();
  void Finish(Status error);
  void DeliverReady();

  std::shared_ptr<PgCore> core_;
  QueryRequest request_;
  std::atomic<bool> cancel_requested_{false};
  // Reactor thread only:
  Stage stage_ = Stage::kRunning;
  std::function<void(QueryEvent)> deliver_;
  std::deque<QueryEvent> ready_;
  bool columns_sent_ = false;
  std::vector<unsigned> types_;
  std::vector<CellRow> batch_;
  std::size_t batch_bytes_ = 0;
  QuerySummary summary_;
  Status error_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace howler::dbmanager
