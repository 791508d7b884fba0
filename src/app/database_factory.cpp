#include "app/database_factory.h"

#include "storage/libsql/libsql_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace howler::app {

Result<std::unique_ptr<storage::Database>> OpenDatabase(const config::Options& options) {
  if (config::IsRemoteDatabase(options)) {
    storage::LibsqlOptions libsql;
    libsql.url = options.database_url;
    libsql.auth_token = options.database_auth_token;
    libsql.connect_timeout = options.turso_connect_timeout;
    libsql.request_timeout = options.turso_request_timeout;
    libsql.max_connections = static_cast<int>(options.worker_threads);
    return storage::OpenLibsqlDatabase(libsql);
  }
  storage::SqliteOptions sqlite;
  sqlite.path = storage::SqlitePathFromUrl(options.database_url);
  sqlite.synchronous_full = options.sqlite_synchronous == config::SqliteSynchronous::kFull;
  sqlite.busy_timeout = options.sqlite_busy_timeout;
  sqlite.readers = static_cast<int>(options.sqlite_readers);
  return storage::OpenSqliteDatabase(sqlite);
}

}  // namespace howler::app
