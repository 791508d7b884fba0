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
//                                                  -> RemoteUnavailable(<message>)
//   anything else (PREPARE_ERROR, SQL_PARSE_ERROR, SQLITE_ERROR, ...)
//                                                  -> INTERNAL "database error: <message>"
//
// HttpFailureStatus(http_status, where), for a pipeline the server refused as a whole:
//   5xx, 401, 403, 404, 408, 429 -> RemoteUnavailable("HTTP <status> from <where>"); other
//   4xx -> INTERNAL. Bodies are not included (they may echo the request).
//
// A remote failure tells the client a fixed message, kRemoteUnavailable: the server's or
// libcurl's text and the URL (which names the infrastructure) are Status::detail(), which
// the transports log with the request id and never send.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace howler::storage {

inline constexpr std::string_view kRemoteUnavailable = "database is unavailable";

// UNAVAILABLE kRemoteUnavailable, with `detail` for the log only.
Status RemoteUnavailable(std::string detail);

Status HranaErrorStatus(std::string_view code, std::string_view message);
Status HttpFailureStatus(long http_status, std::string_view where = {});

}  // namespace howler::storage
