// Opens the storage backend that TURSO_URL names. Called once by app at start-up.
#pragma once

#include <memory>

#include "common/result.h"
#include "config/options.h"
#include "storage/database.h"

namespace howler::app {

// file:PATH and :memory: open the embedded SQLite backend; libsql://, http:// and
// https:// the remote libSQL backend (Hrana over HTTP).
Result<std::unique_ptr<storage::Database>> OpenDatabase(const config::Options& options);

}  // namespace howler::app
