// SplitSqlStatements: cuts a migration file into single statements, because both
// backends run exactly one statement per call (the remote server silently ignores
// everything after the first).
//
// A `;` ends a statement unless it is inside a quoted string or identifier ('...',
// "...", `...`, [...]) or a comment (`-- ...` to the end of the line, `/* ... */`).
// Comments are dropped, statements are trimmed and returned without their `;`, and
// empty statements are skipped. Triggers are refused (their bodies contain `;`, and
// the SQL subset shared with the remote servers avoids them), as are unterminated
// strings and comments: both are INVALID_ARGUMENT naming the problem.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace howler::storage {

Result<std::vector<std::string>> SplitSqlStatements(std::string_view sql);

}  // namespace howler::storage
