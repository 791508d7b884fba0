#include "dbmanager/mariadb/maria_connection.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <future>

#include "dbmanager/cells.h"
#include "dbmanager/engine_errors.h"
#include "dbmanager/failed_stream.h"
#include "dbmanager/mariadb/maria_params.h"
#include "dbmanager/mariadb/maria_values.h"
#include "dbmanager/schema_loader.h"
#include "dbmanager/tcp_probe.h"

namespace howler::dbmanager {
namespace {

constexpr std::size_t kBatchRows = 512;
constexpr std::size_t kBatchBytes = 256 * 1024;
constexpr std::size_t kMaxNotices = 100;
constexpr const char* kSystemRoots = "/etc/ssl/certs/ca-certificates.crt";

constexpr const char* kSystemSchemas =
    "('mysql', 'information_schema', 'performance_schema', 'sys')";

std::string SchemaSql(const char* select_from_where, const char* tail) {
  return std::string(select_from_where) + " NOT IN " + kSystemSchemas + tail;
}

bool IsLost(unsigned error) {
  return error == CR_SERVER_LOST || error == CR_SERVER_GONE_ERROR || error == CR_CONNECTION_ERROR ||
         error == CR_CONN_HOST_ERROR || error == 2055 || error == ER_CONNECTION_KILLED;
}

Status ConnectError(MYSQL* conn, const ConnectionSpec& spec) {
  const unsigned error = mysql_errno(conn);
  std::string text = mysql_error(conn);
  if (error == ER_DBACCESS_DENIED_ERROR) {
    // MariaDB does not tell a missing database from one the user may not use.
    return NotFoundError("database does not exist or this user may not open it")
        .WithDetail(std::move(text));
  }
  if (error == ER_ACCESS_DENIED_ERROR) {
    return PermissionDeniedError("database refused the user name or password")
        .WithDetail(std::move(text));
  }
  if (error == ER_BAD_DB_ERROR) {
    return NotFoundError("database does not exist").WithDetail(std::move(text));
  }
  if (error == CR_SERVER_LOST && text.find("handshake") != std::string::npos) {
    return Status(StatusCode::kDeadlineExceeded,
                  "database host did not answer within the connect timeout")
        .WithDetail(std::move(text));
  }
  if ((error == CR_CONNECTION_ERROR || error == CR_CONN_HOST_ERROR) &&
      text.find("(115)") != std::string::npos) {
    return ClassifyTcpFailure(spec, std::move(text));  // libmariadb reports errno 115
  }
  return ConnectErrorFromText(text);
}

}  // namespace

void CloseMaria(MYSQL* conn) {
  if (conn != nullptr && conn->passwd != nullptr) {
    sodium_memzero(conn->passwd, std::strlen(conn->passwd));
  }
  mysql_close(conn);
}

Result<MYSQL*> OpenMaria(const ConnectionSpec& spec, const Secret& password) {
  MYSQL* conn = mysql_init(nullptr);
  if (conn == nullptr) {
    return UnavailableError("could not connect to the database").WithDetail("out of memory");
  }
  const unsigned timeout =
      static_cast<unsigned>(std::max<std::int64_t>(1, (spec.connect_timeout.count() + 999) / 1000));
  mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // A server (one the user names) may answer any query by asking the client for a file of
  // its choice (LOAD DATA LOCAL INFILE): never on this server's files.
  unsigned int no_local_files = 0;
  mysql_optionsv(conn, MYSQL_OPT_LOCAL_INFILE, &no_local_files);
  mysql_optionsv(conn, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
  if (spec.read_only) {
    mysql_optionsv(conn, MYSQL_INIT_COMMAND, "SET SESSION TRANSACTION READ ONLY");
  }
  my_bool yes = 1;
  my_bool no = 0;
  if (spec.ssl_mode == SslMode::kDisable) {
    mysql_optionsv(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
  } else {
    mysql_optionsv(conn, MYSQL_OPT_SSL_ENFORCE, &yes);
    mysql_optionsv(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT,
                   spec.ssl_mode == SslMode::kVerifyFull ? &yes : &no);
    if (spec.ssl_mode == SslMode::kVerifyFull) {
      mysql_optionsv(conn, MYSQL_OPT_SSL_CA, kSystemRoots);
    }
  }
  const std::string& host = spec.address.empty() ? spec.host : spec.address;
  if (mysql_real_connect(conn, host.c_str(), spec.username.c_str(), password.c_str(),
                         spec.database.c_str(), static_cast<unsigned>(spec.port), nullptr,
                         0) == nullptr) {
    Status status = ConnectError(conn, spec);
    CloseMaria(conn);
    return status;
  }
  // libmariadb falls back to plain text when the server offers no TLS unless the
  // certificate is verified: `require` is checked here.
  if (spec.ssl_mode != SslMode::kDisable && mysql_get_ssl_cipher(conn) == nullptr) {
    CloseMaria(conn);
    return FailedPreconditionError("database server does not support TLS")
        .WithDetail("the server offered no TLS");
  }
  return conn;
}

MariaCore::MariaCore(ConnectionSpec spec, Secret password, MYSQL* conn,
                     std::unique_ptr<TaskThread> thread)
    : spec_(std::move(spec)),
      password_(std::move(password)),
      conn_(conn),
      thread_id_(mysql_thread_id(conn)),
      thread_(std::move(thread)) {}

MariaCore::~MariaCore() {
  if (conn_ != nullptr) {  // never closed: only on the connection thread, at its end
    CloseMaria(conn_);
  }
}

std::shared_ptr<QueryStream> MariaCore::Start(QueryRequest request) {
  if (closed_) {
    return std::make_shared<FailedStream>(SessionClosedError());
  }
  if (broken_) {
    return std::make_shared<FailedStream>(SessionBrokenError());
  }
  if (busy_.exchange(true)) {
    return std::make_shared<FailedStream>(QueryRunningError());
  }
  auto query = std::make_shared<MariaQuery>(shared_from_this(), std::move(request));
  thread_->Post([self = shared_from_this(), query] {
    if (self->conn_ == nullptr) {
      query->Abort(SessionClosedError());
      return;
    }
    self->current_ = query;
    query->Begin();
  });
  return query;
}

void MariaCore::QueryEnded() {
  current_ = nullptr;
  busy_ = false;
}

void MariaCore::Ping(std::function<void(Status)> done) {
  CollectRows(Start({.sql = "SELECT 1"}),
              [done = std::move(done)](Result<CollectedRows> rows) { done(rows.status()); });
}

void MariaCore::SendKill() {
  std::lock_guard lock(password_mutex_);
  if (password_.empty() && closed_) {
    return;
  }
  auto killer = OpenMaria(spec_, password_);
  if (killer.ok()) {
    const std::string kill = "KILL QUERY " + std::to_string(thread_id_);
    mysql_query(*killer, kill.c_str());
    CloseMaria(*killer);
  }
}

void MariaCore::Close() {
  if (closed_.exchange(true)) {
    return;
  }
  if (busy_) {
    SendKill();
  }
  {
    std::lock_guard lock(password_mutex_);
    password_.Wipe();
  }
  auto finish = [this] {
    if (current_ != nullptr) {
      auto query = current_;
      query->Abort(SessionClosedError());
    }
    CloseMaria(conn_);
    conn_ = nullptr;
  };
  if (thread_->InThread()) {
    finish();
  } else {
    std::promise<void> done;
    thread_->Post([&finish, &done] {
      finish();
      done.set_value();
    });
    done.get_future().wait();
  }
  thread_->Stop();
}

void MariaQuery::Next(std::function<void(QueryEvent)> deliver) {
  core_->thread().Post([self = shared_from_this(), deliver = std::move(deliver)] {
    if (self->ready_.empty() && !self->done_) {
      self->FetchBatch();
    }
    if (self->ready_.empty()) {
      return;  // asked after the end: a contract violation, nothing to deliver
    }
    QueryEvent event = std::move(self->ready_.front());
    self->ready_.pop_front();
    deliver(std::move(event));
  });
}

void MariaQuery::Cancel() {
  if (!cancel_requested_.exchange(true)) {
    core_->SendKill();
  }
}

void MariaQuery::Begin() {
  started_ = std::chrono::steady_clock::now();
  MYSQL* conn = core_->conn();
  auto sql = BindMariaParams(conn, request_.sql, request_.params);
  if (!sql.ok()) {
    Finish(sql.status());
    return;
  }
  if (request_.statement_timeout.count() > 0) {
    const double seconds = static_cast<double>(request_.statement_timeout.count()) / 1000.0;
    *sql = "SET STATEMENT max_statement_time=" + std::to_string(seconds) + " FOR " + *sql;
  }
  if (cancel_requested_) {
    Finish(QueryCancelledError());
    return;
  }
  if (mysql_real_query(conn, sql->data(), sql->size()) != 0) {
    Finish(MapError());
    return;
  }
  result_ = mysql_use_result(conn);
  QueryEvent columns;
  if (result_ == nullptr) {
    if (mysql_field_count(conn) != 0) {
      Finish(MapError());
      return;
    }
    summary_.affected_rows = static_cast<std::int64_t>(mysql_affected_rows(conn));
    ready_.push_back(std::move(columns));
    Finish(Status::Ok());
    return;
  }
  const unsigned n = mysql_num_fields(result_);
  MYSQL_FIELD* fields = mysql_fetch_fields(result_);
  for (unsigned i = 0; i < n; ++i) {
    columns.columns.push_back({fields[i].name, MariaTypeName(fields[i])});
  }
  ready_.push_back(std::move(columns));
}

void MariaQuery::FetchBatch() {
  const unsigned n = mysql_num_fields(result_);
  MYSQL_FIELD* fields = mysql_fetch_fields(result_);
  QueryEvent event;
  event.kind = QueryEvent::Kind::kRows;
  std::size_t bytes = 0;
  bool limited = false;
  while (event.rows.size() < kBatchRows && bytes < kBatchBytes) {
    MYSQL_ROW row = mysql_fetch_row(result_);
    if (row == nullptr) {
      break;
    }
    unsigned long* lengths = mysql_fetch_lengths(result_);
    CellRow cells;
    cells.reserve(n);
    std::size_t row_bytes = 0;
    for (unsigned i = 0; i < n; ++i) {
      cells.push_back(row[i] == nullptr ? std::string(kNullCell)
                                        : MariaCell(fields[i], {row[i], lengths[i]}));
      row_bytes += cells.back().size();
    }
    if (!AdmitRow(request_, summary_, row_bytes)) {
      limited = true;  // Finish drains the rest
      break;
    }
    bytes += row_bytes;
    event.rows.push_back(std::move(cells));
  }
  const bool full = !limited && (event.rows.size() >= kBatchRows || bytes >= kBatchBytes);
  if (!event.rows.empty()) {
    ready_.push_back(std::move(event));
  }
  if (!full) {  // the rows ended, the limit was reached, or the read failed
    Finish(mysql_errno(core_->conn()) != 0 ? MapError() : Status::Ok());
  }
}

Status MariaQuery::MapError() {
  MYSQL* conn = core_->conn();
  const unsigned error = mysql_errno(conn);
  const std::string text = mysql_error(conn);
  if (IsLost(error)) {
    core_->MarkBroken();
    return ConnectionLostError(text);
  }
  if (error == ER_QUERY_INTERRUPTED || cancel_requested_) {
    return QueryCancelledError();
  }
  if (error == ER_STATEMENT_TIMEOUT) {
    return StatementTimeoutError();
  }
  if (error == ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION) {
    return ReadOnlyError(text);
  }
  return EngineQueryError(
      text, "error " + std::to_string(error) + ", SQLSTATE " + mysql_sqlstate(conn), std::nullopt);
}

void MariaQuery::CollectWarnings() {
  MYSQL* conn = core_->conn();
  if (conn == nullptr || core_->broken() || mysql_warning_count(conn) == 0 ||
      mysql_query(conn, "SHOW WARNINGS") != 0) {
    return;
  }
  MYSQL_RES* warnings = mysql_store_result(conn);
  if (warnings == nullptr) {
    return;
  }
  while (MYSQL_ROW row = mysql_fetch_row(warnings)) {
    if (summary_.notices.size() < kMaxNotices && row[0] != nullptr && row[2] != nullptr) {
      summary_.notices.push_back(std::string(row[0]) + ": " + row[2]);
    }
  }
  mysql_free_result(warnings);
}

void MariaQuery::Abort(Status error) {
  Finish(std::move(error));
}

void MariaQuery::Finish(Status error) {
  if (done_) {
    return;
  }
  done_ = true;
  if (result_ != nullptr) {
    mysql_free_result(result_);  // reads and drops what is left
    result_ = nullptr;
    if (error.ok() && mysql_errno(core_->conn()) != 0) {
      error = MapError();
    }
  }
  if (error.ok() && cancel_requested_) {
    error = QueryCancelledError();  // the server ended it early (SLEEP returns 1 when killed)
  }
  if (ready_.empty() || ready_.front().kind != QueryEvent::Kind::kColumns) {
    if (ready_.empty()) {
      ready_.push_back(QueryEvent{});
    }
  }
  QueryEvent end;
  if (error.ok()) {
    CollectWarnings();
    end.kind = QueryEvent::Kind::kSummary;
    summary_.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started_);
    end.summary = summary_;
  } else {
    end.kind = QueryEvent::Kind::kError;
    end.error = std::move(error);
  }
  ready_.push_back(std::move(end));
  core_->QueryEnded();
}

std::shared_ptr<QueryStream> MariaConnection::Query(QueryRequest request) {
  return core_->Start(std::move(request));
}

std::shared_ptr<QueryStream> MariaConnection::Explain(std::string sql) {
  return core_->Start({.sql = "EXPLAIN FORMAT=JSON " + sql});
}

void MariaConnection::LoadSchema(std::function<void(Result<Schema>)> done) {
  SchemaQueries queries{
      SchemaSql("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME",
                " ORDER BY 1"),
      SchemaSql("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE = 'VIEW' "
                "FROM information_schema.TABLES WHERE TABLE_SCHEMA",
                " ORDER BY 1, 2"),
      SchemaSql("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES', "
                "COLUMN_DEFAULT, COLUMN_KEY = 'PRI' FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA",
                " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"),
      SchemaSql("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE = 0, "
                "JSON_ARRAYAGG(COLUMN_NAME ORDER BY SEQ_IN_INDEX) "
                "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA",
                " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3"),
      SchemaSql("SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, "
                "JSON_ARRAYAGG(COLUMN_NAME ORDER BY ORDINAL_POSITION), "
                "REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, "
                "JSON_ARRAYAGG(REFERENCED_COLUMN_NAME ORDER BY ORDINAL_POSITION) "
                "FROM information_schema.KEY_COLUMN_USAGE "
                "WHERE REFERENCED_TABLE_NAME IS NOT NULL AND TABLE_SCHEMA",
                " GROUP BY 1, 2, 3, 5, 6 ORDER BY 1, 2, 3"),
  };
  RunSchemaQueries(*this, std::move(queries), std::move(done));
}

}  // namespace howler::dbmanager
