// StartTursodbDatabase: for tests, a libSQL Database on its own tursodb server, serving
// an empty database file in a fresh temporary directory. The server stops and the
// directory is removed when the Database is destroyed.
#pragma once

#include <memory>

#include "common/result.h"
#include "storage/database.h"
#include "storage/libsql/libsql_database.h"

namespace howler::storage {

// `options.url` is replaced by the server's. NOT_FOUND when the tursodb binary is not
// installed (see TursodbProcess::FindBinary; tests skip then), UNAVAILABLE when it does
// not start.
Result<std::unique_ptr<Database>> StartTursodbDatabase(LibsqlOptions options = {});

}  // namespace howler::storage
