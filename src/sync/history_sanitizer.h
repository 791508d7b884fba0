// SanitizeHistoryQuery: query-history text with its literal values taken out, as stored by
// sync (API.md, Sync: "History query text is stored with string and numeric literals
// replaced by `?`").
//
// - Every string (plain, E'', N'', U&'', Oracle q''), hex, bit, dollar-quoted and numeric
//   literal becomes `?`: `-5` becomes `-?`, `'{1,2}'::int[]` becomes `?::int[]`.
// - Comments are dropped, since they can hold secrets too. Where dropping one would join
//   the tokens on either side, a single space takes its place.
// - Identifiers (quoted or not), keywords, placeholders ($1, ?, :name, @var), operators
//   and whitespace are kept byte for byte, so UTF-8 passes through untouched.
// - A quote left open at the end of the text hides the rest: an unterminated string or
//   quoted identifier becomes `?`.
// - Backslashes are ambiguous ('it\'s' in MySQL, 'C:\' in PostgreSQL). The text is read
//   with options.backslash_escapes first; when that leaves a quote open at the end and the
//   other reading does not, the other reading is used.
// See sql_lexer.h for how dialect differences are resolved.
//
// Linear time and memory in the size of `sql`; the caller bounds that size. Never throws
// for any byte sequence. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "sync/sql_lexer.h"

namespace howler::sync {

std::string SanitizeHistoryQuery(std::string_view sql, LexOptions options = {});

}  // namespace howler::sync
