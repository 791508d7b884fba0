// Applying schema migrations and reading which ones a database has.
//
// Applied migrations are recorded in `schema_migrations(version, name, checksum,
// applied_at)`, the checksum being the hex SHA-256 of the file text. Each pending
// migration is applied as one Batch: a guard INSERT into schema_migrations first, then
// the file's statements. The guard makes concurrent start-ups safe: when two instances
// race, the loser's batch fails on the guard's PRIMARY KEY, and the loser then checks
// the winner's checksum instead of failing.
//
// Thread-safety: as safe as the Database passed in; concurrent runners (threads or
// processes) against one database are supported.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/database.h"
#include "storage/migrations.h"

namespace howler::storage {

struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string checksum;
  std::int64_t applied_at_ms = 0;
};

// Lower-case hex SHA-256 of a migration's text.
std::string MigrationChecksum(std::string_view sql);

// Brings `db` up to date with `migrations` (ordered by strictly increasing version).
// Already-applied migrations with the same checksum are skipped. Fails with
// FAILED_PRECONDITION, applying nothing, when an applied migration's file changed or
// the database holds a version this binary does not know (it is newer than the
// binary); with INVALID_ARGUMENT when `migrations` is malformed; otherwise with the
// failing statement's Status (the failed migration is then not recorded and none of
// its statements took effect). `now_ms` becomes `applied_at`. When `applied_names` is
// given, the names of the migrations this call applied are appended to it.
Status ApplyMigrations(Database& db, const std::vector<Migration>& migrations, std::int64_t now_ms,
                       std::vector<std::string>* applied_names = nullptr);

// The recorded migrations ordered by version; empty when schema_migrations does not
// exist yet.
Result<std::vector<AppliedMigration>> ListAppliedMigrations(Database& db);

}  // namespace howler::storage
