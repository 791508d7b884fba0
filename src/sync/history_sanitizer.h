// SanitizeHistoryQuery: query-history text with its literal values taken out, as stored by
// sync (API.md, Sync: "History query text is stored with string and numeric literals
// replaced by `?`").
//
// Readings: the text is lexed under each reading PlausibleReadings(dialect) gives
// (sql_dialect.h). A known dialect has exactly its own lexing. kUnknown has every plausible
// one: each known dialect's, and backslash escapes on / off x double quotes as strings /
// identifiers x brackets as identifiers or not.
//
// The union rule: a byte range is removed where ANY reading lexes a literal, an open quote
// or a comment, so nothing any reading takes for a value or a comment survives.
// - A removed range also takes in every token of any reading that overlaps it, so that no
//   reading's token is cut in half and the kept text lexes as it did. The exception is a
//   [bracketed identifier] whose `[` and `]` both stay outside removed ranges: they are
//   kept (`tags[1]` becomes `tags[?]` although SQL Server reads `[1]` as a name).
//   Overlapping ranges merge; ranges that only touch stay apart (`'a''b'` -> `?`,
//   `1'a'` -> `??`).
// - A range where some reading has a literal (a string of any kind, hex, bit,
//   dollar-quoted, numeric, SQL Server money) or an open quote becomes `?`: `-5` becomes
//   `-?`, `'{1,2}'::int[]` becomes `?::int[]`. An open quote runs to the end of the text,
//   so it hides the rest.
// - Any other range (a comment in some reading) is dropped, since comments can hold
//   secrets too. Where dropping it would join the text on either side, a single space
//   takes its place.
// - Everything else is kept byte for byte: identifiers (quoted or not), keywords,
//   placeholders, operators and whitespace that every reading agrees on; UTF-8 passes
//   through untouched.
// - So that the result reads as the input did (sanitizing it again changes nothing), a
//   comment right after a kept `--` becomes `?` (MySQL reads `1--#c` as `1 - -` and a
//   comment; without it `--` could start one), and so does an Oracle `:1` bind right after
//   a range that held a literal or code (after `?` it would read as `:` and a number).
// For example `path = 'C:\temp\' AND owner = 'MK' -- owner's files` becomes
// `path = ? AND owner = ? ` for PostgreSQL, `path = ?MK?s files` for MySQL (the backslash
// escapes the quote, so MK is a name) and `path = ?` when the dialect is unknown.
//
// Linear time and memory in the size of `sql`: a constant number of readings (only those
// that can lex this text differently), each lexed at most twice; the caller bounds that
// size. Never throws for any byte sequence. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sync/sql_dialect.h"

namespace howler::sync {

// A byte range [begin, end) of the text that sanitizing replaces.
struct MaskedRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool literal = false;  // true: becomes `?`; false: dropped (see above)

  friend bool operator==(const MaskedRange&, const MaskedRange&) = default;
};

// The ranges SanitizeHistoryQuery replaces in `sql` by the rule above: sorted, non-empty
// and not overlapping. The rest of `sql` is kept.
std::vector<MaskedRange> HistoryMaskedRanges(std::string_view sql,
                                             SqlDialect dialect = SqlDialect::kUnknown);

std::string SanitizeHistoryQuery(std::string_view sql, SqlDialect dialect = SqlDialect::kUnknown);

}  // namespace howler::sync
