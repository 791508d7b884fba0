#include "storage/sqlite/sqlite_database.h"

#include <mutex>
#include <span>
#include <vector>

#include "storage/sqlite/group_commit.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_connection_pool.h"

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

Result<std::vector<ResultSet>> RunBatch(SqliteConnection& connection,
                                        const std::vector<Statement>& statements) {
  HOWLER_RETURN_IF_ERROR(connection.Run({"BEGIN IMMEDIATE", {}}).status());
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

void RunEachAlone(SqliteConnection& connection, std::span<const GroupCommit::Batch* const> group,
                  std::span<GroupCommit::Outcome> out) {
  for (std::size_t i = 0; i < group.size(); ++i) out[i] = RunBatch(connection, *group[i]);
}

// One batch inside the group's transaction, between SAVEPOINT and RELEASE. False when the
// failure ended the whole transaction (SQLite rolls back on some errors, e.g. I/O), so
// nothing of the group before it is committed either.
bool RunInSavepoint(SqliteConnection& connection, const GroupCommit::Batch& batch,
                    GroupCommit::Outcome& out) {
  Status begin = connection.Run({"SAVEPOINT grouped", {}}).status();
  if (!begin.ok()) return false;
  std::vector<ResultSet> results;
  results.reserve(batch.size());
  for (const Statement& statement : batch) {
    auto result = connection.Run(statement);
    if (!result.ok()) {
      if (!connection.InTransaction()) return false;
      const bool undone = connection.Run({"ROLLBACK TO grouped", {}}).ok() &&
                          connection.Run({"RELEASE grouped", {}}).ok();
      out = result.status();
      return undone;
    }
    results.push_back(std::move(result).value());
  }
  out = std::move(results);
  return connection.Run({"RELEASE grouped", {}}).ok();
}

// Commits a group of batches in one transaction, each batch all-or-nothing inside its
// savepoint. When the transaction itself fails (BEGIN, a failure that ends it, COMMIT),
// nothing of the group is written and every batch is run again alone, so each still gets
// its own answer.
void RunGroup(SqliteConnection& connection, std::span<const GroupCommit::Batch* const> group,
              std::span<GroupCommit::Outcome> out) {
  if (group.size() == 1 || !connection.Run({"BEGIN IMMEDIATE", {}}).ok()) {
    return RunEachAlone(connection, group, out);
  }
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (!RunInSavepoint(connection, *group[i], out[i])) {
      RollbackIfOpen(connection);
      return RunEachAlone(connection, group, out);
    }
  }
  if (!connection.Run({"COMMIT", {}}).ok()) {
    RollbackIfOpen(connection);
    RunEachAlone(connection, group, out);
  }
}

// Batches waiting together are committed together (group_commit.h), at most this many.
constexpr std::size_t kMaxGroup = 64;

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::unique_ptr<SqliteConnection> writer,
                 std::vector<std::unique_ptr<SqliteConnection>> readers)
      : writer_(std::move(writer)),
        readers_(std::move(readers)),
        group_commit_(
            [this](std::span<const GroupCommit::Batch* const> group,
                   std::span<GroupCommit::Outcome> out) {
              std::lock_guard<std::mutex> lock(writer_mu_);
              RunGroup(*writer_, group, out);
            },
            kMaxGroup) {}

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
    return group_commit_.Submit(statements);
  }

  Status Ping() override { return Query({"SELECT 1", {}}).status(); }

  std::string_view backend() const override { return "sqlite"; }

 private:
  std::mutex writer_mu_;
  std::unique_ptr<SqliteConnection> writer_;  // guarded by writer_mu_; closed last
  SqliteConnectionPool readers_;
  GroupCommit group_commit_;  // runs batches on writer_, under writer_mu_
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
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(std::move(writer), std::move(readers)));
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
