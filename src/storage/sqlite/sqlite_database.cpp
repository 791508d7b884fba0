#include "storage/sqlite/sqlite_database.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_connection_pool.h"
#include "storage/sqlite/wal_checkpointer.h"

namespace howler::storage {
namespace {

constexpr std::string_view kMemoryPath = ":memory:";

void RollbackIfOpen(SqliteConnection& connection) {
  if (connection.InTransaction()) {
    (void)connection.Run({"ROLLBACK", {}});
  }
}

// Runs one statement in autocommit mode; a statement that leaves a transaction open
// (a lone BEGIN) is rolled back and refused.
Result<ResultSet> RunAutocommit(SqliteConnection& connection, const Statement& statement) {
  auto result = connection.Run(statement);
  if (connection.InTransaction()) {
    RollbackIfOpen(connection);
    return InternalError("database error: transactions must go through Batch");
  }
  return result;
}

// `begin` is "BEGIN IMMEDIATE" on the writer (the write lock at once, so the batch never
// fails half-way on a busy upgrade) and "BEGIN" on a reader (one snapshot for all reads).
Result<std::vector<ResultSet>> RunBatch(SqliteConnection& connection,
                                        const std::vector<Statement>& statements,
                                        const char* begin) {
  HOWLER_RETURN_IF_ERROR(connection.Run({begin, {}}).status());
  std::vector<ResultSet> results;
  results.reserve(statements.size());
  for (const Statement& statement : statements) {
    auto result = connection.Run(statement);
    if (!result.ok()) {
      RollbackIfOpen(connection);
      return result.status();
    }
    results.push_back(std::move(result).value());
  }
  Status commit = connection.Run({"COMMIT", {}}).status();
  if (!commit.ok()) {
    RollbackIfOpen(connection);
    return commit;
  }
  return results;
}

// Whether the statement's text starts with SELECT: a batch of only such statements is
// worth checking on a reader (a write batch then never waits for one).
bool StartsWithSelect(std::string_view sql) {
  const std::size_t start = sql.find_first_not_of(" \t\r\n(");
  if (start == std::string_view::npos || sql.size() - start < 6) return false;
  std::string word(sql.substr(start, 6));
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word == "SELECT";
}

// True when every statement only reads, as the reader prepares (and caches) it; false when
// one writes or does not prepare there.
bool AllReadOnly(SqliteConnection& reader, const std::vector<Statement>& statements) {
  for (const Statement& statement : statements) {
    Result<bool> read_only = reader.IsReadOnly(statement.sql);
    if (!read_only.ok() || !*read_only) return false;
  }
  return true;
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::unique_ptr<SqliteConnection> writer,
                 std::vector<std::unique_ptr<SqliteConnection>> readers,
                 std::unique_ptr<SqliteConnection> checkpointing)
      : writer_(std::move(writer)), readers_(std::move(readers)) {
    if (checkpointing) {
      checkpointer_ = std::make_unique<WalCheckpointer>(std::move(checkpointing), *writer_);
      writer_->SetCommitHook([this](int pages) { checkpointer_->Notify(pages); });
    }
  }

  Result<ResultSet> Query(const Statement& statement) override {
    if (!readers_.empty()) {
      auto reader = readers_.Acquire();
      HOWLER_ASSIGN_OR_RETURN(bool read_only, reader->IsReadOnly(statement.sql));
      if (read_only) {
        return RunAutocommit(*reader, statement);
      }
    }
    return Execute(statement);  // a write, or no readers: the writer runs it
  }

  Result<ResultSet> Execute(const Statement& statement) override {
    std::lock_guard<std::mutex> lock(writer_mu_);
    return RunAutocommit(*writer_, statement);
  }

  Result<std::vector<ResultSet>> Batch(const std::vector<Statement>& statements) override {
    if (!readers_.empty() && !statements.empty() &&
        std::all_of(statements.begin(), statements.end(),
                    [](const Statement& s) { return StartsWithSelect(s.sql); })) {
      auto reader = readers_.Acquire();
      if (AllReadOnly(*reader, statements)) {
        return RunBatch(*reader, statements, "BEGIN");
      }
    }
    std::lock_guard<std::mutex> lock(writer_mu_);
    return RunBatch(*writer_, statements, "BEGIN IMMEDIATE");
  }

  Status Ping() override { return Query({"SELECT 1", {}}).status(); }

  std::string_view backend() const override { return "sqlite"; }

 private:
  std::mutex writer_mu_;
  std::unique_ptr<SqliteConnection> writer_;  // guarded by writer_mu_; closed last
  SqliteConnectionPool readers_;
  // File databases: checkpoints off the commit path; stopped before the connections close.
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const SqliteOptions& options) {
  if (options.path.empty()) {
    return InvalidArgumentError("the SQLite database path is empty");
  }
  const bool memory = options.path == kMemoryPath;
  SqliteConnectionOptions connection_options;
  connection_options.wal = !memory;
  connection_options.synchronous_full = options.synchronous_full;
  connection_options.busy_timeout = options.busy_timeout;
  HOWLER_ASSIGN_OR_RETURN(auto writer, SqliteConnection::Open(options.path, connection_options));

  std::vector<std::unique_ptr<SqliteConnection>> readers;
  connection_options.read_only = true;
  for (int i = 0; !memory && i < options.readers; ++i) {
    HOWLER_ASSIGN_OR_RETURN(auto reader, SqliteConnection::Open(options.path, connection_options));
    readers.push_back(std::move(reader));
  }
  std::unique_ptr<SqliteConnection> checkpointing;
  if (!memory) {
    connection_options.read_only = false;
    connection_options.wal = false;  // the writer switched the file to WAL already
    HOWLER_ASSIGN_OR_RETURN(checkpointing,
                            SqliteConnection::Open(options.path, connection_options));
  }
  return std::unique_ptr<Database>(std::make_unique<SqliteDatabase>(
      std::move(writer), std::move(readers), std::move(checkpointing)));
}

std::string SqlitePathFromUrl(std::string_view url) {
  if (url.rfind("file://", 0) == 0) {
    url.remove_prefix(7);
  } else if (url.rfind("file:", 0) == 0) {
    url.remove_prefix(5);
  }
  if (const std::size_t query = url.find('?'); query != std::string_view::npos) {
    url = url.substr(0, query);
  }
  return std::string(url);
}

}  // namespace howler::storage
