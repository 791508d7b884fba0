// Statuses for failures reported by a Hrana server, matching what the SQLite backend
// returns for the same failure (storage/sqlite/sqlite_status.h), so that services cannot
// tell the backends apart.
//
// HranaErrorStatus(code, message), for a failed request or batch step:
//   SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY, or a constraint message naming UNIQUE or
//     PRIMARY KEY                                  -> ALREADY_EXISTS      "already exists"
//   any other SQLITE_CONSTRAINT*, or a message "... constraint failed ..." or ending
//     in "(19)" (tursodb's EXECUTE_ERROR)          -> FAILED_PRECONDITION "constraint violated"
//   SQLITE_BUSY, SQLITE_LOCKED*, "(5)", "(6)",
//     "database is locked"                        -> UNAVAILABLE "database busy" (retry 1 s)
//   SQLITE_FULL, SQLITE_IOERR*, SQLITE_CANTOPEN, "(10)", "(13)", "(14)", and stream,
//     baton and server errors (STREAM_*, BATON_*, SERVER_ERROR, BLOCKED, ...)
//                                                  -> UNAVAILABLE "database unavailable: <message>"
//   anything else (PREPARE_ERROR, SQL_PARSE_ERROR, SQLITE_ERROR, ...)
//                                                  -> INTERNAL "database error: <message>"
//
// HttpFailureStatus(http_status), for a pipeline the server refused as a whole:
//   5xx, 401, 403, 404, 408, 429 -> UNAVAILABLE; other 4xx -> INTERNAL. Bodies are not
//   included (they may echo the request); callers log them.
// Pure functions, thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

namespace howler::storage {

Status HranaErrorStatus(std::string_view code, std::string_view message);
Status HttpFailureStatus(long http_status);

}  // namespace howler::storage
