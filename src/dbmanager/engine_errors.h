// The Status values every engine returns for the same situations, so that clients see
// one vocabulary whatever the database (the connect errors are listed in engine.h).
// Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace howler::dbmanager {

Status QueryCancelledError();                    // CANCELLED "query cancelled"
Status StatementTimeoutError();                  // DEADLINE_EXCEEDED "statement timeout reached"
Status ConnectionLostError(std::string detail);  // UNAVAILABLE "database connection lost"
Status SessionBrokenError();                     // UNAVAILABLE "session is broken"
Status SessionClosedError();                     // FAILED_PRECONDITION "session is closed"
Status QueryRunningError();  // FAILED_PRECONDITION "a query is already running on this session"
// PERMISSION_DENIED "read-only session: <engine text>"
Status ReadOnlyError(std::string_view engine_text);

// INVALID_ARGUMENT with the engine's own text, its code and the 1-based character
// position in the statement when known:
// "relation \"x\" does not exist (SQLSTATE 42P01, position 15)".
Status EngineQueryError(std::string_view text, std::string_view code, std::optional<int> position);

// Connect failures by the engine library's message (the `detail`, for the log): libpq's,
// MariaDB Connector/C's, or the remote libSQL client's ("HTTP 401 ..."). Host names and
// port numbers in the text never decide the class.
Status ConnectErrorFromText(std::string_view text);

}  // namespace howler::dbmanager
