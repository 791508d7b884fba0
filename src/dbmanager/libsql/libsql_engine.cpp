#include "dbmanager/libsql/libsql_engine.h"

#include <sodium.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <deque>
#include <future>

#include "dbmanager/cells.h"
#include "dbmanager/engine_errors.h"
#include "dbmanager/failed_stream.h"
#include "dbmanager/task_thread.h"
#include "dbmanager/tcp_probe.h"
#include "storage/libsql/libsql_database.h"

namespace howler::dbmanager {
namespace {

constexpr std::size_t kBatchRows = 512;
constexpr std::int64_t kExactDoubleLimit = (std::int64_t{1} << 53) - 1;

std::string LibsqlCell(const storage::Value& value) {
  if (std::holds_alternative<storage::Null>(value)) {
    return std::string(kNullCell);
  }
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    const std::string text = std::to_string(*i);
    return (*i <= kExactDoubleLimit && *i >= -kExactDoubleLimit) ? text : StringCell(text);
  }
  if (const auto* d = std::get_if<double>(&value)) {
    if (!std::isfinite(*d)) {
      return StringCell(std::isnan(*d) ? "NaN" : (*d > 0 ? "Infinity" : "-Infinity"));
    }
    char buffer[32];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, *d).ptr;
    return NumberCell(std::string_view(buffer, end - buffer));
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    return StringCell(*text);
  }
  return BytesCell(std::get<storage::Blob>(value).bytes);
}

// Statement errors keep the server's text; the storage client's wording is dropped.
Status QueryError(const Status& status) {
  constexpr std::string_view kPrefix = "database error: ";
  if (status.code() == StatusCode::kInternal && status.message().rfind(kPrefix, 0) == 0) {
    return EngineQueryError(status.message().substr(kPrefix.size()), "", std::nullopt);
  }
  if (status.code() == StatusCode::kUnavailable) {
    return ConnectionLostError(status.detail());
  }
  return EngineQueryError(status.message(), "", std::nullopt);
}

class LibsqlCore;

class LibsqlQuery : public QueryStream, public std::enable_shared_from_this<LibsqlQuery> {
 public:
  LibsqlQuery(std::shared_ptr<LibsqlCore> core, QueryRequest request)
      : core_(std::move(core)), request_(std::move(request)) {}
  void Next(std::function<void(QueryEvent)> deliver) override;
  void Cancel() override { cancel_requested_ = true; }
  void Run(storage::Database& db);  // connection thread

 private:
  std::shared_ptr<LibsqlCore> core_;
  QueryRequest request_;
  std::atomic<bool> cancel_requested_{false};
  std::deque<QueryEvent> ready_;  // connection thread only
};

class LibsqlCore : public std::enable_shared_from_this<LibsqlCore> {
 public:
  LibsqlCore(std::unique_ptr<storage::Database> db, std::unique_ptr<TaskThread> thread)
      : db_(std::move(db)), thread_(std::move(thread)) {}

  TaskThread& thread() { return *thread_; }
  bool broken() const { return broken_; }
  void MarkBroken() { broken_ = true; }
  void QueryEnded() { busy_ = false; }

  std::shared_ptr<QueryStream> Start(QueryRequest request) {
    if (closed_) {
      return std::make_shared<FailedStream>(SessionClosedError());
    }
    if (broken_) {
      return std::make_shared<FailedStream>(SessionBrokenError());
    }
    if (request.statement_timeout.count() > 0) {
      return std::make_shared<FailedStream>(
          Status(StatusCode::kUnimplemented, "libSQL sessions have no statement timeout"));
    }
    if (busy_.exchange(true)) {
      return std::make_shared<FailedStream>(QueryRunningError());
    }
    auto query = std::make_shared<LibsqlQuery>(shared_from_this(), std::move(request));
    thread_->Post([self = shared_from_this(), query] { query->Run(*self->db_); });
    return query;
  }

  // Runs `task` with the database on the connection thread (schema reads).
  void WithDatabase(std::function<void(storage::Database*)> task) {
    thread_->Post([self = shared_from_this(), task = std::move(task)] {
      task(self->closed_ ? nullptr : self->db_.get());
    });
  }

  void Close() {
    if (closed_.exchange(true)) {
      return;
    }
    if (thread_->InThread()) {
      db_.reset();
    } else {
      std::promise<void> done;
      thread_->Post([this, &done] {
        db_.reset();  // frees the HTTP client and its copy of the token
        done.set_value();
      });
      done.get_future().wait();
    }
    thread_->Stop();
  }

 private:
  std::unique_ptr<storage::Database> db_;  // connection thread only
  std::unique_ptr<TaskThread> thread_;
  std::atomic<bool> broken_{false};
  std::atomic<bool> closed_{false};
  std::atomic<bool> busy_{false};
};

void LibsqlQuery::Next(std::function<void(QueryEvent)> deliver) {
  core_->thread().Post([self = shared_from_this(), deliver = std::move(deliver)] {
    if (self->ready_.empty()) {
      return;  // asked after the end: a contract violation
    }
    QueryEvent event = std::move(self->ready_.front());
    self->ready_.pop_front();
    deliver(std::move(event));
  });
}

void LibsqlQuery::Run(storage::Database& db) {
  const auto started = std::chrono::steady_clock::now();
  storage::Statement statement{request_.sql, {}};
  for (const auto& param : request_.params) {
    statement.params.push_back(param ? storage::Value(*param) : storage::Value(storage::Null{}));
  }
  auto result = db.Execute(statement);
  QueryEvent columns;
  QuerySummary summary;
  QueryEvent end;
  end.kind = QueryEvent::Kind::kError;
  if (cancel_requested_) {
    end.error = QueryCancelledError();
  } else if (!result.ok()) {
    end.error = QueryError(result.status());
    if (result.status().code() == StatusCode::kUnavailable) {
      core_->MarkBroken();
    }
  } else {
    for (const auto& name : result->columns) {
      columns.columns.push_back({name, ""});
    }
  }
  ready_.push_back(std::move(columns));
  if (result.ok() && !cancel_requested_) {
    QueryEvent batch;
    batch.kind = QueryEvent::Kind::kRows;
    for (const auto& row : result->rows) {
      CellRow cells;
      std::size_t bytes = 0;
      for (const auto& value : row) {
        cells.push_back(LibsqlCell(value));
        bytes += cells.back().size();
      }
      if (!AdmitRow(request_, summary, bytes)) {
        break;
      }
      batch.rows.push_back(std::move(cells));
      if (batch.rows.size() == kBatchRows) {
        ready_.push_back(std::move(batch));
        batch = QueryEvent{};
        batch.kind = QueryEvent::Kind::kRows;
      }
    }
    if (!batch.rows.empty()) {
      ready_.push_back(std::move(batch));
    }
    end.kind = QueryEvent::Kind::kSummary;
    summary.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    end.summary = std::move(summary);
  }
  ready_.push_back(std::move(end));
  core_->QueryEnded();
}

std::string Quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

Status ReadIndexes(storage::Database& db, SchemaRelation& relation) {
  HOWLER_ASSIGN_OR_RETURN(auto list,
                          db.Query({"PRAGMA index_list(" + Quoted(relation.name) + ")", {}}));
  for (const auto& row : list.rows) {  // seq, name, unique, origin, partial
    SchemaIndex index{storage::AsText(row.at(1)), storage::AsInt(row.at(2)) != 0, {}};
    HOWLER_ASSIGN_OR_RETURN(auto info,
                            db.Query({"PRAGMA index_info(" + Quoted(index.name) + ")", {}}));
    for (const auto& column : info.rows) {  // seqno, cid, name (in seqno order)
      index.columns.push_back(storage::AsText(column.at(2)));
    }
    relation.indexes.push_back(std::move(index));
  }
  return Status::Ok();
}

Status ReadForeignKeys(storage::Database& db, SchemaRelation& relation) {
  HOWLER_ASSIGN_OR_RETURN(auto keys,
                          db.Query({"PRAGMA foreign_key_list(" + Quoted(relation.name) + ")", {}}));
  std::int64_t current = -1;
  for (const auto& row : keys.rows) {  // id, seq, table, from, to, ...
    if (storage::AsInt(row.at(0)) != current) {
      current = storage::AsInt(row.at(0));
      relation.foreign_keys.push_back({"", {}, "main", storage::AsText(row.at(2)), {}});
    }
    relation.foreign_keys.back().columns.push_back(storage::AsText(row.at(3)));
    relation.foreign_keys.back().ref_columns.push_back(storage::AsText(row.at(4)));
  }
  return Status::Ok();
}

Result<Schema> ReadSchema(storage::Database& db) {
  Schema schema;
  schema.schemas = {"main"};
  HOWLER_ASSIGN_OR_RETURN(
      auto relations,
      db.Query({"SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view') "
                "AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name",
                {}}));
  for (const auto& row : relations.rows) {
    SchemaRelation relation{
        "main", storage::AsText(row.at(1)), storage::AsText(row.at(0)) == "view", {}, {}, {}};
    HOWLER_ASSIGN_OR_RETURN(auto columns,
                            db.Query({"PRAGMA table_info(" + Quoted(relation.name) + ")", {}}));
    for (const auto& c : columns.rows) {  // cid, name, type, notnull, dflt_value, pk
      const bool pk = storage::AsInt(c.at(5)) > 0;
      const std::string type = storage::AsText(c.at(2));
      // An INTEGER PRIMARY KEY is the rowid: never NULL, though notnull reads 0.
      const bool nullable = storage::AsInt(c.at(3)) == 0 && !(pk && type == "INTEGER");
      relation.columns.push_back(
          {storage::AsText(c.at(1)), type, nullable, storage::AsOptionalText(c.at(4)), pk});
    }
    if (!relation.view) {
      HOWLER_RETURN_IF_ERROR(ReadIndexes(db, relation));
      HOWLER_RETURN_IF_ERROR(ReadForeignKeys(db, relation));
    }
    schema.relations.push_back(std::move(relation));
  }
  return schema;
}

class LibsqlConnection : public Connection {
 public:
  explicit LibsqlConnection(std::shared_ptr<LibsqlCore> core) : core_(std::move(core)) {}
  ~LibsqlConnection() override { Close(); }

  EngineKind engine() const override { return EngineKind::kLibsql; }
  std::shared_ptr<QueryStream> Query(QueryRequest request) override {
    return core_->Start(std::move(request));
  }
  std::shared_ptr<QueryStream> Explain(std::string sql) override {
    return core_->Start({.sql = "EXPLAIN QUERY PLAN " + sql});
  }
  void LoadSchema(std::function<void(Result<Schema>)> done) override {
    core_->WithDatabase([done = std::move(done)](storage::Database* db) {
      if (db == nullptr) {
        done(SessionClosedError());
        return;
      }
      auto schema = ReadSchema(*db);
      done(schema.ok() ? std::move(schema) : Result<Schema>(QueryError(schema.status())));
    });
  }
  void Ping(std::function<void(Status)> done) override {
    core_->WithDatabase([core = core_, done = std::move(done)](storage::Database* db) {
      Status status = db == nullptr ? SessionClosedError() : db->Ping();
      if (status.code() == StatusCode::kUnavailable) {
        core->MarkBroken();
      }
      done(std::move(status));
    });
  }
  bool broken() const override { return core_->broken(); }
  void Close() override { core_->Close(); }

 private:
  std::shared_ptr<LibsqlCore> core_;
};

Status OpenError(const ConnectionSpec& spec, const Status& status) {
  if (status.detail().find("Couldn't connect to server") != std::string::npos) {
    return ClassifyTcpFailure(spec, status.detail());
  }
  if (status.code() == StatusCode::kUnavailable) {
    return ConnectErrorFromText(status.detail().empty() ? status.message() : status.detail());
  }
  return status;
}

class LibsqlEngine : public Engine {
 public:
  EngineKind kind() const override { return EngineKind::kLibsql; }

  // Opens on the new connection's own thread; `done` runs there.
  void Connect(ConnectionSpec spec, Secret password,
               std::function<void(Result<std::unique_ptr<Connection>>)> done) override {
    if (spec.read_only) {
      done(Status(StatusCode::kUnimplemented, "libSQL sessions cannot be read-only"));
      return;
    }
    auto thread = std::make_unique<TaskThread>();
    TaskThread* raw = thread.get();
    auto task = [spec = std::move(spec), password = std::move(password), thread = std::move(thread),
                 done = std::move(done)]() mutable {
      const bool tls = spec.ssl_mode != SslMode::kDisable;
      // With TLS the name is kept for the certificate check.
      const std::string& host = tls || spec.address.empty() ? spec.host : spec.address;
      storage::LibsqlOptions options{
          .url = std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(spec.port),
          .auth_token = password.c_str(),
          .connect_timeout = spec.connect_timeout,
          .request_timeout = std::chrono::minutes(5),
          .max_connections = 1};
      password.Wipe();
      auto db = storage::OpenLibsqlDatabase(options);
      sodium_memzero(options.auth_token.data(), options.auth_token.size());
      if (!db.ok()) {
        done(OpenError(spec, db.status()));
        return;
      }
      auto core = std::make_shared<LibsqlCore>(std::move(db).value(), std::move(thread));
      done(std::unique_ptr<Connection>(new LibsqlConnection(std::move(core))));
    };
    auto shared = std::make_shared<decltype(task)>(std::move(task));
    raw->Post([shared] { (*shared)(); });
  }
};

}  // namespace

std::unique_ptr<Engine> MakeLibsqlEngine() {
  return std::make_unique<LibsqlEngine>();
}

}  // namespace howler::dbmanager
