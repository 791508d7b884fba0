// ReadsOnly: whether SQL text only reads, decided with the project's SQL lexer
// (sync/sql_lexer.h) so that words inside literals, quoted names and comments are never
// taken for keywords.
//
// Contract (conservative: anything not known to read is a write):
// - The text is split into statements at `;` operator tokens; empty statements are skipped.
// - A statement reads only when its first word is SELECT, WITH, VALUES, TABLE, SHOW,
//   DESCRIBE, DESC or EXPLAIN (EXPLAIN ANALYZE runs its statement: that statement's words
//   decide), and none of its words is a writing keyword: INSERT, UPDATE, DELETE, MERGE,
//   UPSERT, CREATE, DROP, ALTER, TRUNCATE, GRANT, REVOKE, COPY, CALL, EXEC, EXECUTE, INTO
//   (SELECT ... INTO makes a table), LOCK, VACUUM, REINDEX, ATTACH, DETACH, SET, COMMENT,
//   RENAME, HANDLER, LOAD, IMPORT, or FOR
//   followed by UPDATE or SHARE (row locks).
// - Text without any statement is read-only (nothing runs).
// Pure; thread-safe.
#pragma once

#include <string_view>

#include "sync/sql_dialect.h"

namespace howler::ai {

bool ReadsOnly(std::string_view sql, sync::SqlDialect dialect);

}  // namespace howler::ai
