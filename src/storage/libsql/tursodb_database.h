// StartTursodbDatabase: for tests, a libSQL Database on its own tursodb server, serving
// an empty database file in a fresh temporary directory. The server stops and the
// directory is removed when the Database is destroyed.
#pragma once

#include <memory>
#include <string_view>

#include "common/result.h"
#include "storage/database.h"
#include "storage/libsql/libsql_database.h"

namespace howler::storage {

// `options.url` is replaced by the server's. NOT_FOUND when the tursodb binary is not
// installed (see TursodbProcess::FindBinary; tests skip then), UNAVAILABLE when it does
// not start.
Result<std::unique_ptr<Database>> StartTursodbDatabase(LibsqlOptions options = {});

// For tests parameterised over the backends: "sqlite" is an empty SQLite database in
// memory, "libsql" StartTursodbDatabase() (NOT_FOUND when tursodb is not installed).
// Migrations are not applied.
Result<std::unique_ptr<Database>> OpenTestDatabase(std::string_view backend);

}  // namespace howler::storage
