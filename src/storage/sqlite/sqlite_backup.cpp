#include "storage/sqlite/sqlite_backup.h"

#include <sqlite3.h>

#include <limits>
#include <system_error>

#include "storage/sqlite/sqlite_handles.h"

namespace howler::storage {
namespace {

namespace fs = std::filesystem;

Status SqliteError(sqlite3* db, std::string_view what) {
  return UnavailableError(std::string(what) + ": " +
                          (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

Result<SqliteHandle> OpenFile(const fs::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, "cannot open " + path.string());
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// Copies every page of `from` into `to` in one step.
Status CopyPages(sqlite3* from, sqlite3* to) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return SqliteError(to, "cannot start the copy");
  const int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(to, "copy failed");
  return Status::Ok();
}

Status RefuseExisting(const fs::path& to) {
  std::error_code ec;
  if (fs::exists(to, ec)) return AlreadyExistsError(to.string() + " already exists");
  return Status::Ok();
}

fs::path Partial(const fs::path& to) {
  return fs::path(to.string() + ".partial");
}

Status Publish(const fs::path& partial, const fs::path& to) {
  std::error_code ec;
  fs::rename(partial, to, ec);
  if (ec) return UnavailableError("cannot rename to " + to.string() + ": " + ec.message());
  return Status::Ok();
}

// The one text value of a single-row, single-column query.
Result<std::string> QueryText(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return SqliteError(db, "not a usable database");
  }
  SqliteStatementHandle statement(raw);
  if (sqlite3_step(raw) != SQLITE_ROW) return SqliteError(db, "not a usable database");
  const unsigned char* text = sqlite3_column_text(raw, 0);
  return std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "");
}

Status Exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : "unknown error";
  sqlite3_free(message);
  return UnavailableError("export failed: " + text);
}

std::string QuoteName(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void Bind(sqlite3_stmt* s, int index, const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    sqlite3_bind_int64(s, index, *i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    sqlite3_bind_double(s, index, *d);
  } else if (const auto* t = std::get_if<std::string>(&v)) {
    sqlite3_bind_text(s, index, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
  } else if (const auto* b = std::get_if<Blob>(&v)) {
    sqlite3_bind_blob(s, index, b->bytes.data(), static_cast<int>(b->bytes.size()),
                      SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_null(s, index);
  }
}

// Copies the rows of one table, page by page, into `to` (one transaction per page).
Status ExportTable(Database& source, sqlite3* to, const std::string& table, int page_rows) {
  std::int64_t after = std::numeric_limits<std::int64_t>::min();
  for (;;) {
    HOWLER_ASSIGN_OR_RETURN(ResultSet rs,
                            source.Query({"SELECT rowid, * FROM " + QuoteName(table) +
                                              " WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                          {after, std::int64_t{page_rows}}}));
    if (rs.rows.empty()) return Status::Ok();
    const std::size_t columns = rs.rows[0].size() - 1;
    std::string sql = "INSERT INTO " + QuoteName(table) + " VALUES (";
    for (std::size_t i = 0; i < columns; ++i) sql += i == 0 ? "?" : ", ?";
    sql += ")";
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(to, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
      return SqliteError(to, "cannot write " + table);
    }
    SqliteStatementHandle insert(raw);
    HOWLER_RETURN_IF_ERROR(Exec(to, "BEGIN"));
    for (const Row& row : rs.rows) {
      for (std::size_t i = 0; i < columns; ++i) Bind(raw, static_cast<int>(i) + 1, row[i + 1]);
      if (sqlite3_step(raw) != SQLITE_DONE) return SqliteError(to, "cannot write " + table);
      sqlite3_reset(raw);
    }
    HOWLER_RETURN_IF_ERROR(Exec(to, "COMMIT"));
    after = AsInt(rs.rows.back()[0]);
    if (rs.rows.size() < static_cast<std::size_t>(page_rows)) return Status::Ok();
  }
}

}  // namespace

Status BackupSqliteFile(const fs::path& from, const fs::path& to) {
  HOWLER_RETURN_IF_ERROR(RefuseExisting(to));
  HOWLER_ASSIGN_OR_RETURN(SqliteHandle source, OpenFile(from, SQLITE_OPEN_READONLY));
  const fs::path partial = Partial(to);
  std::error_code ec;
  fs::remove(partial, ec);
  {
    HOWLER_ASSIGN_OR_RETURN(SqliteHandle dest,
                            OpenFile(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    if (Status s = CopyPages(source.get(), dest.get()); !s.ok()) {
      dest.reset();
      fs::remove(partial, ec);
      return s;
    }
  }
  return Publish(partial, to);
}

Status RestoreSqliteFile(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::is_regular_file(from, ec)) return NotFoundError(from.string() + " is not a file");
  HOWLER_ASSIGN_OR_RETURN(SqliteHandle source, OpenFile(from, SQLITE_OPEN_READONLY));
  HOWLER_ASSIGN_OR_RETURN(std::string integrity, QueryText(source.get(), "PRAGMA integrity_check"));
  if (integrity != "ok") {
    return FailedPreconditionError(from.string() + " fails its integrity check: " + integrity);
  }
  HOWLER_ASSIGN_OR_RETURN(
      std::string migrations,
      QueryText(source.get(),
                "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migrations'"));
  if (migrations != "1") {
    return FailedPreconditionError(from.string() + " is not a howlerops-server database");
  }
  HOWLER_ASSIGN_OR_RETURN(SqliteHandle dest,
                          OpenFile(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  return CopyPages(source.get(), dest.get());
}

Status ExportToSqlite(Database& source, const fs::path& to, int page_rows) {
  HOWLER_RETURN_IF_ERROR(RefuseExisting(to));
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet schema,
      source.Query({"SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND "
                    "name NOT LIKE 'sqlite_%'",
                    {}}));
  const fs::path partial = Partial(to);
  std::error_code ec;
  fs::remove(partial, ec);
  Status result = [&]() -> Status {
    HOWLER_ASSIGN_OR_RETURN(SqliteHandle dest,
                            OpenFile(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    for (const Row& row : schema.rows) {  // tables first: indexes need them
      if (AsText(row[0]) == "table") HOWLER_RETURN_IF_ERROR(Exec(dest.get(), AsText(row[2])));
    }
    for (const Row& row : schema.rows) {
      if (AsText(row[0]) != "table") continue;
      HOWLER_RETURN_IF_ERROR(ExportTable(source, dest.get(), AsText(row[1]), page_rows));
    }
    for (const Row& row : schema.rows) {
      if (AsText(row[0]) != "table") HOWLER_RETURN_IF_ERROR(Exec(dest.get(), AsText(row[2])));
    }
    return Status::Ok();
  }();
  if (!result.ok()) {
    fs::remove(partial, ec);
    return result;
  }
  return Publish(partial, to);
}

}  // namespace howler::storage
