#include "storage/migration_runner.h"

#include <algorithm>

#include "common/crypto.h"
#include "storage/sql_splitter.h"

namespace howler::storage {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, "
    "applied_at INTEGER NOT NULL)";

Status ValidateList(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return InvalidArgumentError("migration versions must be positive and increasing: " + m.name);
    }
    if (m.name.empty()) {
      return InvalidArgumentError("migration without a name");
    }
    previous = m.version;
  }
  return Status::Ok();
}

const AppliedMigration* FindApplied(const std::vector<AppliedMigration>& applied, int version) {
  auto it = std::find_if(applied.begin(), applied.end(),
                         [&](const AppliedMigration& a) { return a.version == version; });
  return it == applied.end() ? nullptr : &*it;
}

Status CheckNoUnknownVersions(const std::vector<AppliedMigration>& applied,
                              const std::vector<Migration>& migrations) {
  for (const AppliedMigration& a : applied) {
    bool known = std::any_of(migrations.begin(), migrations.end(),
                             [&](const Migration& m) { return m.version == a.version; });
    if (!known) {
      return FailedPreconditionError("database has migration " + a.name +
                                     " that this binary does not know (the database is newer "
                                     "than this binary)");
    }
  }
  return Status::Ok();
}

Status VerifyChecksum(const AppliedMigration& applied, const Migration& m,
                      const std::string& checksum) {
  if (applied.checksum == checksum) {
    return Status::Ok();
  }
  return FailedPreconditionError("migration " + m.name + " was changed after it was applied");
}

// Applies one migration; false when another instance applied it meanwhile.
Result<bool> ApplyOne(Database& db, const Migration& m, const std::string& checksum,
                      std::int64_t now_ms) {
  auto statements = SplitSqlStatements(m.sql);
  if (!statements.ok()) {
    return InvalidArgumentError("migration " + m.name + ": " + statements.status().message());
  }
  std::vector<Statement> batch;
  batch.push_back(
      {"INSERT INTO schema_migrations (version, name, checksum, applied_at) "
       "VALUES (?, ?, ?, ?)",
       {std::int64_t{m.version}, m.name, checksum, now_ms}});
  for (std::string& sql : *statements) {
    batch.push_back({std::move(sql), {}});
  }

  auto result = db.Batch(batch);
  if (result.ok()) {
    return true;
  }

  // Lost a race with another instance? Then the version is recorded now.
  HOWLER_ASSIGN_OR_RETURN(auto applied, ListAppliedMigrations(db));
  if (const AppliedMigration* a = FindApplied(applied, m.version)) {
    HOWLER_RETURN_IF_ERROR(VerifyChecksum(*a, m, checksum));
    return false;
  }
  const Status failed = result.status();
  return Status(failed.code(), "migration " + m.name + ": " + failed.message());
}

}  // namespace

std::string MigrationChecksum(std::string_view sql) {
  return HexEncode(Sha256(sql));
}

Status ApplyMigrations(Database& db, const std::vector<Migration>& migrations, std::int64_t now_ms,
                       std::vector<std::string>* applied_names) {
  HOWLER_RETURN_IF_ERROR(ValidateList(migrations));
  HOWLER_RETURN_IF_ERROR(db.Execute({std::string(kCreateTable), {}}).status());
  HOWLER_ASSIGN_OR_RETURN(auto applied, ListAppliedMigrations(db));
  HOWLER_RETURN_IF_ERROR(CheckNoUnknownVersions(applied, migrations));
  for (const Migration& m : migrations) {
    const std::string checksum = MigrationChecksum(m.sql);
    if (const AppliedMigration* a = FindApplied(applied, m.version)) {
      HOWLER_RETURN_IF_ERROR(VerifyChecksum(*a, m, checksum));
      continue;
    }
    HOWLER_ASSIGN_OR_RETURN(bool applied_here, ApplyOne(db, m, checksum, now_ms));
    if (applied_here && applied_names != nullptr) {
      applied_names->push_back(m.name);
    }
  }
  return Status::Ok();
}

Result<std::vector<AppliedMigration>> ListAppliedMigrations(Database& db) {
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet exists,
      db.Query({"SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
                {std::string("schema_migrations")}}));
  std::vector<AppliedMigration> out;
  if (exists.empty()) {
    return out;
  }
  HOWLER_ASSIGN_OR_RETURN(
      ResultSet rows, db.Query({"SELECT version, name, checksum, applied_at FROM schema_migrations "
                                "ORDER BY version",
                                {}}));
  for (const Row& row : rows.rows) {
    out.push_back({static_cast<int>(AsInt(row[0])), AsText(row[1]), AsText(row[2]), AsInt(row[3])});
  }
  return out;
}

}  // namespace howler::storage
