#include "app/backup_commands.h"

#include <chrono>
#include <iostream>

#include "app/database_factory.h"
#include "app/instance_lock.h"
#include "storage/sqlite/sqlite_backup.h"

namespace howler::app {
namespace {

int Fail(std::string_view what, const Status& status) {
  std::cerr << "howlerops-server: " << what << ": " << status.message() << "\n";
  return 1;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int Backup(const config::Options& options, const std::filesystem::path& to) {
  const auto start = std::chrono::steady_clock::now();
  Status s;
  if (std::optional<std::filesystem::path> db = config::LocalDatabasePath(options)) {
    s = storage::BackupSqliteFile(*db, to);
  } else if (config::IsRemoteDatabase(options)) {
    auto remote = OpenDatabase(options);
    if (!remote.ok()) return Fail("cannot open the database", remote.status());
    s = storage::ExportToSqlite(**remote, to);
  } else {
    s = FailedPreconditionError("an in-memory database cannot be backed up");
  }
  if (!s.ok()) return Fail("backup failed", s);
  std::cout << "backup written to " << to.string() << " in " << SecondsSince(start) << " s\n";
  return 0;
}

int Restore(const config::Options& options, const std::filesystem::path& from) {
  std::optional<std::filesystem::path> db = config::LocalDatabasePath(options);
  if (!db) {
    return Fail("restore refused",
                FailedPreconditionError("restore replaces an embedded file: database; for a "
                                        "remote one, use the provider's own restore"));
  }
  auto lock = InstanceLock::Acquire(*db);
  if (!lock.ok()) return Fail("restore refused", lock.status());
  if (Status s = storage::RestoreSqliteFile(from, *db); !s.ok()) return Fail("restore failed", s);
  std::cout << "restored " << db->string() << " from " << from.string() << "\n";
  return 0;
}

}  // namespace howler::app
