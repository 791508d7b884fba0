// PostgreSQL values in text format -> JSON cells (the rules are in query_stream.h), by
// the column's type OID. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace howler::dbmanager {

// The cell of a non-NULL value of type `oid` whose text form is `text` (as the server
// sends it with DateStyle ISO, TimeZone UTC, bytea_output hex).
std::string PgCell(unsigned oid, std::string_view text);

// A readable type name for the column metadata: "int8", "text", "_int4" (arrays), or
// "oid 12345" for types outside the built-in set.
std::string PgTypeName(unsigned oid);

}  // namespace howler::dbmanager
