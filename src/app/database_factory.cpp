#include "app/database_factory.h"

#include "storage/sqlite/sqlite_database.h"

namespace howler::app {

Result<std::unique_ptr<storage::Database>> OpenDatabase(const config::Options& options) {
  if (config::IsRemoteDatabase(options)) {
    return UnavailableError(
        "TURSO_URL names a remote libSQL database, but this build has no remote backend yet; "
        "use file:PATH or :memory:");
  }
  storage::SqliteOptions sqlite;
  sqlite.path = storage::SqlitePathFromUrl(options.database_url);
  sqlite.synchronous_full = options.sqlite_synchronous == config::SqliteSynchronous::kFull;
  sqlite.busy_timeout = options.sqlite_busy_timeout;
  sqlite.readers = static_cast<int>(options.sqlite_readers);
  return storage::OpenSqliteDatabase(sqlite);
}

}  // namespace howler::app
