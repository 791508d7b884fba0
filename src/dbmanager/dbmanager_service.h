// DbManagerService: the database manager's operations (API.md "Database manager") over
// the SessionManager: open a session from inline fields or from one of the caller's
// synced `connection` items, list, close, schema, query (streamed), cancel, explain. Each
// query run becomes a query_history item of its user (QueryHistoryRecorder).
//
// Every call names the user; another user's session id is NOT_FOUND "session not found".
// Thread-safety: every method may be called from any thread. Open, Close, Schema, Cancel
// and Explain block (name resolution, connect, a round trip, a cancel request): call them
// on a worker. StartQuery does not block (kStream handlers call it on an I/O thread); the
// history write it causes runs on `workers`.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/worker_pool.h"
#include "dbmanager/query_history.h"
#include "dbmanager/session_manager.h"
#include "storage/sync_store.h"

namespace howler::dbmanager {

// An open request: either `connection_id` (a synced connection item of the caller, whose
// type/host/port/database/username are used) or the inline fields.
struct OpenRequest {
  std::string connection_id;
  std::string type;  // ParseEngine names
  std::string host;
  int port = 0;
  std::string database;
  std::string username;
  std::string ssl_mode;  // disable (default) | require | verify-full
  bool read_only = false;
  Secret password;
};

// Limits applied to every query whatever the client asks. A result streams with bounded
// memory (rows are read as the client reads), so these bound a result's length, not memory.
struct QueryLimits {
  std::int64_t max_rows = 10'000'000;              // a request's row_limit is at most this
  std::int64_t max_bytes = std::int64_t{1} << 30;  // cells per result
  std::chrono::milliseconds max_timeout = std::chrono::minutes(10);
  std::chrono::milliseconds wait = std::chrono::seconds(60);  // schema/explain round trip
};

class DbManagerService {
 public:
  // Every argument must outlive the service.
  DbManagerService(SessionManager& sessions, storage::SyncStore& store,
                   QueryHistoryRecorder& history, WorkerPool& workers, const Clock& clock,
                   QueryLimits limits = {});

  Result<SessionInfo> Open(const std::string& user_id, OpenRequest request);
  std::vector<SessionInfo> List(const std::string& user_id) const {
    return sessions_.List(user_id);
  }
  Status Close(const std::string& user_id, const std::string& session_id);
  Result<Schema> LoadSchema(const std::string& user_id, const std::string& session_id);

  // Starts a query; the stream records its history item when it ends (not for a query
  // refused because another runs on the session) and is the one Cancel reaches. The request's
  // limits are clamped to QueryLimits (0 = the maximum).
  Result<std::shared_ptr<QueryStream>> StartQuery(const std::string& user_id,
                                                  const std::string& session_id,
                                                  QueryRequest request);
  // Cancels the session's running query; FAILED_PRECONDITION "no query is running" when none.
  Status Cancel(const std::string& user_id, const std::string& session_id);
  // The plan's rows (first column of each), collected.
  Result<std::pair<std::vector<Column>, std::vector<CellRow>>> Explain(
      const std::string& user_id, const std::string& session_id, std::string sql);

  // The id of one of the user's open sessions opened from the synced connection item
  // `connection_id` (the AI assistant's schema context); NOT_FOUND when none is open.
  Result<std::string> SessionOfConnection(const std::string& user_id,
                                          const std::string& connection_id) const;

  const QueryLimits& limits() const { return limits_; }

 private:
  struct Running;
  Result<ConnectionSpec> SpecFor(const std::string& user_id, const OpenRequest& request);
  void Finished(const std::string& key, const Running* running);

  SessionManager& sessions_;
  storage::SyncStore& store_;
  QueryHistoryRecorder& history_;
  WorkerPool& workers_;
  const Clock& clock_;
  const QueryLimits limits_;

  mutable std::mutex mutex_;
  // Running queries by user + '/' + session id; guarded by mutex_.
  std::map<std::string, std::shared_ptr<QueryStream>> running_;
  // Connection item ids of sessions opened from one, by session id; guarded by mutex_.
  std::map<std::string, std::string> connection_ids_;
};

}  // namespace howler::dbmanager
