#include "storage/sqlite/sqlite_connection.h"

#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <variant>

#include "common/utf8.h"
#include "storage/sqlite/sqlite_status.h"

namespace howler::storage {
namespace {

// Resets a statement and clears its bindings when the run is over, however it ends.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* statement) : statement_(statement) {}
  ~ResetOnExit() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* statement_;
};

// Binds one parameter. Text and blobs are bound without a copy (SQLITE_STATIC): the
// Statement outlives the run, and bindings are cleared before Run returns.
struct Binder {
  sqlite3_stmt* statement;
  int index;

  int operator()(Null) const { return sqlite3_bind_null(statement, index); }
  int operator()(std::int64_t v) const { return sqlite3_bind_int64(statement, index, v); }
  int operator()(double v) const { return sqlite3_bind_double(statement, index, v); }
  int operator()(const std::string& v) const {
    return sqlite3_bind_text64(statement, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  int operator()(const Blob& v) const {
    // A null data pointer would bind NULL, not an empty blob.
    if (v.bytes.empty()) {
      return sqlite3_bind_zeroblob(statement, index, 0);
    }
    return sqlite3_bind_blob64(statement, index, v.bytes.data(), v.bytes.size(), SQLITE_STATIC);
  }
};

std::string ColumnBytes(const void* data, int size) {
  if (data == nullptr || size <= 0) {
    return {};
  }
  return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

Value ReadColumn(sqlite3_stmt* statement, int i) {
  switch (sqlite3_column_type(statement, i)) {
    case SQLITE_INTEGER:
      return static_cast<std::int64_t>(sqlite3_column_int64(statement, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, i);
    case SQLITE_TEXT: {
      const void* text = sqlite3_column_text(statement, i);
      return ColumnBytes(text, sqlite3_column_bytes(statement, i));
    }
    case SQLITE_BLOB: {
      const void* blob = sqlite3_column_blob(statement, i);
      return Blob{ColumnBytes(blob, sqlite3_column_bytes(statement, i))};
    }
    default:
      return Null{};
  }
}

// Creates a missing database file readable by its owner only; SQLite gives its -wal and
// -shm files the database file's mode. Paths SQLite does not treat as files are skipped.
void CreateOwnerOnly(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
}

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, const SqliteConnectionOptions& options) {
  if (!options.read_only) CreateOwnerOnly(path);
  const int flags =
      SQLITE_OPEN_NOMUTEX |
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteHandle db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) {
    const std::string detail = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return Status(SqliteStatus(rc, detail).code(), "cannot open database " + path + ": " + detail);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout.count()));
  std::unique_ptr<SqliteConnection> connection(
      new SqliteConnection(std::move(db), options.statement_cache_size));
  Status pragmas = connection->ApplyPragmas(options);
  if (!pragmas.ok()) {
    return Status(pragmas.code(), "cannot open database " + path + ": " + pragmas.message());
  }
  return connection;
}

Status SqliteConnection::ApplyPragmas(const SqliteConnectionOptions& options) {
  if (options.wal && !options.read_only) {
    HOWLER_ASSIGN_OR_RETURN(ResultSet mode, Run({"PRAGMA journal_mode=WAL", {}}));
    if (mode.empty() || AsText(mode.rows[0][0]) != "wal") {
      return InternalError("the database does not support WAL journal mode");
    }
  }
  const char* synchronous =
      options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  for (const char* pragma : {"PRAGMA foreign_keys=ON", synchronous, "PRAGMA temp_store=MEMORY"}) {
    HOWLER_RETURN_IF_ERROR(Run({pragma, {}}).status());
  }
  return Status::Ok();
}

Result<ResultSet> SqliteConnection::Run(const Statement& statement) {
  HOWLER_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(statement.sql));
  ResetOnExit reset(stmt);
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(statement.params.size())) {
    return InternalError("database error: statement takes " + std::to_string(expected) +
                         " parameters, " + std::to_string(statement.params.size()) + " given");
  }
  for (std::size_t i = 0; i < statement.params.size(); ++i) {
    const auto* text = std::get_if<std::string>(&statement.params[i]);
    if (text != nullptr && !IsValidUtf8(*text)) {
      return InvalidArgumentError("a text parameter is not valid UTF-8");
    }
    const int rc = std::visit(Binder{stmt, static_cast<int>(i + 1)}, statement.params[i]);
    if (rc != SQLITE_OK) {
      return Error(rc);
    }
  }
  // Columns are read after the first step: a cached statement is prepared again there
  // when the schema changed, and `SELECT *` may then have other columns.
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return Error(rc);
  }
  ResultSet result;
  const int columns = sqlite3_column_count(stmt);
  for (int c = 0; c < columns; ++c) {
    const char* name = sqlite3_column_name(stmt, c);
    result.columns.emplace_back(name != nullptr ? name : "");
  }
  for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt)) {
    Row row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      row.push_back(ReadColumn(stmt, c));
    }
    result.rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    return Error(rc);
  }
  return result;
}

Result<bool> SqliteConnection::IsReadOnly(std::string_view sql) {
  HOWLER_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  return sqlite3_stmt_readonly(stmt) != 0;
}

bool SqliteConnection::InTransaction() const {
  return sqlite3_get_autocommit(db_.get()) == 0;
}

void SqliteConnection::SetCommitHook(std::function<void(int wal_pages)> hook) {
  commit_hook_ = std::move(hook);
  sqlite3_wal_hook(
      db_.get(),
      [](void* self, sqlite3*, const char*, int pages) {
        static_cast<SqliteConnection*>(self)->commit_hook_(pages);
        return SQLITE_OK;
      },
      this);
}

Status SqliteConnection::CheckpointPassive() {
  const int rc =
      sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : Error(rc);
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql) {
  if (sqlite3_stmt* cached = cache_.Find(sql)) {
    return cached;
  }
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
    return InvalidArgumentError("statement too long");
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  SqliteStatementHandle statement(raw);
  if (rc != SQLITE_OK) {
    return Error(rc);
  }
  if (!statement) {
    return InternalError("database error: empty statement");
  }

  // Anything after the first statement, other than blanks and comments, is refused:
  // the remote backend would silently ignore it.
  sqlite3_stmt* next_raw = nullptr;
  const auto rest = static_cast<int>(sql.data() + sql.size() - tail);
  rc = sqlite3_prepare_v2(db_.get(), tail, rest, &next_raw, nullptr);
  SqliteStatementHandle next(next_raw);
  if (rc != SQLITE_OK || next) {
    return InternalError("database error: more than one statement in one call");
  }
  return cache_.Insert(std::string(sql), std::move(statement));
}

Status SqliteConnection::Error(int code) const {
  return SqliteStatus(code, sqlite3_errmsg(db_.get()));
}

}  // namespace howler::storage
