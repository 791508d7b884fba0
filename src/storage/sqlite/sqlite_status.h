// SqliteStatus: the Status for an SQLite result code (primary or extended).
//
//   SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY   -> ALREADY_EXISTS      "already exists"
//   any other SQLITE_CONSTRAINT_*           -> FAILED_PRECONDITION "constraint violated"
//   SQLITE_BUSY, SQLITE_LOCKED              -> UNAVAILABLE         "database busy" (retry 1 s)
//   SQLITE_FULL, SQLITE_IOERR, _CANTOPEN    -> UNAVAILABLE         "database unavailable: <detail>"
//   anything else (SQLITE_ERROR: syntax,    -> INTERNAL            "database error: <detail>"
//   missing table; SQLITE_MISUSE, ...)
//
// `detail` is sqlite3_errmsg(). INTERNAL messages carry it (it may name tables and
// columns, never bound values); the HTTP layer replaces INTERNAL messages with a generic
// one in responses and logs the original. UNAVAILABLE for I/O problems carries it too
// (SQLite's texts for those, such as "disk I/O error", name no path). Constraint and
// busy messages are fixed, because services may pass them on to clients.
#pragma once

#include <string_view>

#include "common/status.h"

namespace howler::storage {

Status SqliteStatus(int code, std::string_view detail);

}  // namespace howler::storage
