#include "dbmanager/dbmanager_service.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <future>

#include "common/log.h"
#include "dbmanager/engine_errors.h"

namespace howler::dbmanager {
namespace json = boost::json;

// A query stream that records the query's history item when it ends and takes itself out
// of the running set. The wrapped stream's rules hold (one Next at a time).
struct DbManagerService::Running : QueryStream, std::enable_shared_from_this<Running> {
  Running(DbManagerService& service, std::string user_id, std::string key, HistoryEntry entry,
          std::shared_ptr<QueryStream> target)
      : service(service),
        user_id(std::move(user_id)),
        key(std::move(key)),
        entry(std::move(entry)),
        target(std::move(target)) {}

  void Next(std::function<void(QueryEvent)> deliver) override {
    target->Next([self = shared_from_this(), deliver = std::move(deliver)](QueryEvent event) {
      if (event.kind == QueryEvent::Kind::kSummary) {
        self->End(event.summary.rows, std::nullopt, true);
      } else if (event.kind == QueryEvent::Kind::kError) {
        // A query refused because another runs never ran: no history item for it.
        const bool ran = !(event.error == QueryRunningError());
        self->End(0, event.error.message(), ran);
      }
      deliver(std::move(event));
    });
  }
  void Cancel() override { target->Cancel(); }

  // Runs on the engine's thread: the history write goes to a worker.
  void End(std::int64_t rows, std::optional<std::string> error, bool record) {
    entry.row_count = rows;
    entry.error = std::move(error);
    entry.execution_time = std::chrono::duration_cast<std::chrono::milliseconds>(
        service.clock_.Now() - entry.executed_at);
    service.Finished(key, this);
    if (!record) return;
    const bool queued =
        service.workers_.TrySubmit([history = &service.history_, user = user_id, entry = entry] {
          auto recorded = history->Record(user, entry);
          if (!recorded.ok()) {
            log::Warn("query history not recorded", {{"error", recorded.status().ToString()}});
          }
        });
    if (!queued) log::Warn("query history not recorded", {{"error", "worker queue full"}});
  }

  DbManagerService& service;
  const std::string user_id;
  const std::string key;
  HistoryEntry entry;
  const std::shared_ptr<QueryStream> target;
};

namespace {

std::string Key(const std::string& user_id, const std::string& session_id) {
  return user_id + '/' + session_id;
}

// A connection item's text field ("" when absent or not a string).
std::string ItemText(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

Result<int> ItemPort(const json::object& o) {
  const json::value* v = o.if_contains("port");
  if (v == nullptr || v->is_null()) return 0;
  if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() <= 65535) {
    return static_cast<int>(v->get_int64());
  }
  if (v->is_string()) {
    const std::string text(v->get_string());
    if (!text.empty() && text.size() <= 5 &&
        text.find_first_not_of("0123456789") == std::string::npos && std::stoi(text) <= 65535) {
      return std::stoi(text);
    }
  }
  return InvalidArgumentError("the connection item's port is not a port number");
}

// Blocks until `start` delivers, at most `wait`.
template <typename T>
Result<T> Await(std::chrono::milliseconds wait,
                const std::function<void(std::function<void(Result<T>)>)>& start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  start([promise](Result<T> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(wait) != std::future_status::ready) {
    return DeadlineExceededError("database did not answer in time");
  }
  return future.get();
}

}  // namespace

DbManagerService::DbManagerService(SessionManager& sessions, storage::SyncStore& store,
                                   QueryHistoryRecorder& history, WorkerPool& workers,
                                   const Clock& clock, QueryLimits limits)
    : sessions_(sessions),
      store_(store),
      history_(history),
      workers_(workers),
      clock_(clock),
      limits_(limits) {}

Result<ConnectionSpec> DbManagerService::SpecFor(const std::string& user_id,
                                                 const OpenRequest& request) {
  struct {
    std::string type, host, database, username, ssl_mode;
    int port = 0;
  } fields{request.type,     request.host,     request.database,
           request.username, request.ssl_mode, request.port};
  if (!request.connection_id.empty()) {
    HOWLER_ASSIGN_OR_RETURN(auto state,
                            store_.ReadUploadState(user_id, QueryHistoryRecorder::kDeviceId,
                                                   {{"connection", request.connection_id}}, {}));
    if (state.items.empty() || state.items[0].deleted) {
      return NotFoundError("connection not found");
    }
    boost::system::error_code ec;
    json::value data = json::parse(state.items[0].data, ec);
    if (ec || !data.is_object()) return InternalError("connection item is not a JSON object");
    const json::object& o = data.get_object();
    fields.type = ItemText(o, "type");
    fields.host = ItemText(o, "host");
    HOWLER_ASSIGN_OR_RETURN(fields.port, ItemPort(o));
    fields.database = ItemText(o, "database");
    fields.username = ItemText(o, "username");
  }
  ConnectionSpec spec;
  const auto engine = ParseEngine(fields.type);
  if (!engine) return InvalidArgumentError("type must be postgres, mysql, mariadb or libsql");
  spec.engine = *engine;
  const auto ssl = ParseSslMode(fields.ssl_mode.empty() ? "disable" : fields.ssl_mode);
  if (!ssl) return InvalidArgumentError("ssl_mode must be disable, require or verify-full");
  spec.ssl_mode = *ssl;
  if (fields.host.empty()) return InvalidArgumentError("host is required");
  if (fields.port < 0 || fields.port > 65535) return InvalidArgumentError("port is out of range");
  spec.host = fields.host;
  spec.port = fields.port;
  spec.database = fields.database;
  spec.username = fields.username;
  spec.read_only = request.read_only;
  return spec;
}

Result<SessionInfo> DbManagerService::Open(const std::string& user_id, OpenRequest request) {
  HOWLER_ASSIGN_OR_RETURN(ConnectionSpec spec, SpecFor(user_id, request));
  const auto wait = spec.connect_timeout + std::chrono::seconds(5);
  auto password = std::make_shared<Secret>(std::move(request.password));
  HOWLER_ASSIGN_OR_RETURN(
      SessionInfo info,
      Await<SessionInfo>(wait, [&](std::function<void(Result<SessionInfo>)> done) {
        sessions_.Open(user_id, std::move(spec), std::move(*password), std::move(done));
      }));
  if (!request.connection_id.empty()) {
    std::lock_guard lock(mutex_);
    connection_ids_[info.id] = request.connection_id;
  }
  return info;
}

Status DbManagerService::Close(const std::string& user_id, const std::string& session_id) {
  HOWLER_RETURN_IF_ERROR(sessions_.Close(user_id, session_id));
  std::lock_guard lock(mutex_);
  connection_ids_.erase(session_id);
  return Status::Ok();
}

Result<Schema> DbManagerService::LoadSchema(const std::string& user_id,
                                            const std::string& session_id) {
  HOWLER_ASSIGN_OR_RETURN(auto connection, sessions_.Use(user_id, session_id));
  return Await<Schema>(limits_.wait, [&](std::function<void(Result<Schema>)> done) {
    connection->LoadSchema(std::move(done));
  });
}

Result<std::shared_ptr<QueryStream>> DbManagerService::StartQuery(const std::string& user_id,
                                                                  const std::string& session_id,
                                                                  QueryRequest request) {
  HOWLER_ASSIGN_OR_RETURN(auto connection, sessions_.Use(user_id, session_id));
  if (request.row_limit <= 0 || request.row_limit > limits_.max_rows) {
    request.row_limit = limits_.max_rows;
  }
  if (request.byte_limit <= 0 || request.byte_limit > limits_.max_bytes) {
    request.byte_limit = limits_.max_bytes;
  }
  if (request.statement_timeout.count() <= 0 || request.statement_timeout > limits_.max_timeout) {
    request.statement_timeout = limits_.max_timeout;
  }
  HistoryEntry entry;
  entry.engine = connection->engine();
  entry.sql = request.sql;
  entry.executed_at = clock_.Now();
  const std::string key = Key(user_id, session_id);
  {
    std::lock_guard lock(mutex_);
    if (auto it = connection_ids_.find(session_id); it != connection_ids_.end()) {
      entry.connection_id = it->second;
    }
  }
  auto running = std::make_shared<Running>(*this, user_id, key, std::move(entry),
                                           connection->Query(std::move(request)));
  std::lock_guard lock(mutex_);
  running_[key] = running;
  return std::shared_ptr<QueryStream>(running);
}

void DbManagerService::Finished(const std::string& key, const Running* running) {
  std::lock_guard lock(mutex_);
  auto it = running_.find(key);
  if (it != running_.end() && it->second.get() == running) running_.erase(it);
}

Status DbManagerService::Cancel(const std::string& user_id, const std::string& session_id) {
  HOWLER_RETURN_IF_ERROR(sessions_.Use(user_id, session_id).status());
  std::shared_ptr<QueryStream> stream;
  {
    std::lock_guard lock(mutex_);
    auto it = running_.find(Key(user_id, session_id));
    if (it != running_.end()) stream = it->second;
  }
  if (!stream) return FailedPreconditionError("no query is running on this session");
  stream->Cancel();
  return Status::Ok();
}

Result<std::pair<std::vector<Column>, std::vector<CellRow>>> DbManagerService::Explain(
    const std::string& user_id, const std::string& session_id, std::string sql) {
  HOWLER_ASSIGN_OR_RETURN(auto connection, sessions_.Use(user_id, session_id));
  auto stream = connection->Explain(std::move(sql));
  std::pair<std::vector<Column>, std::vector<CellRow>> out;
  for (;;) {
    HOWLER_ASSIGN_OR_RETURN(QueryEvent event, Await<QueryEvent>(limits_.wait, [&](auto done) {
                              stream->Next([done](QueryEvent e) { done(std::move(e)); });
                            }));
    switch (event.kind) {
      case QueryEvent::Kind::kColumns:
        out.first = std::move(event.columns);
        break;
      case QueryEvent::Kind::kRows:
        for (auto& row : event.rows) out.second.push_back(std::move(row));
        break;
      case QueryEvent::Kind::kSummary:
        return out;
      case QueryEvent::Kind::kError:
        return event.error;
    }
  }
}

Result<std::string> DbManagerService::SessionOfConnection(const std::string& user_id,
                                                          const std::string& connection_id) const {
  std::vector<SessionInfo> open = sessions_.List(user_id);
  std::lock_guard lock(mutex_);
  for (const SessionInfo& s : open) {
    auto it = connection_ids_.find(s.id);
    if (it != connection_ids_.end() && it->second == connection_id) return s.id;
  }
  return NotFoundError("no open session of this connection: open one first");
}

}  // namespace howler::dbmanager
