// MariaDB values in text form -> JSON cells (the rules are in query_stream.h), by the
// field's type, character set and extended format ("json"). Sessions run with
// time_zone '+00:00', so TIMESTAMP values are UTC instants ("...Z"); DATETIME values
// have no zone. Pure functions, thread-safe.
#pragma once

#include <mysql.h>

#include <string>
#include <string_view>

namespace howler::dbmanager {

// The cell of a non-NULL value of `field`.
std::string MariaCell(const MYSQL_FIELD& field, std::string_view text);

// The column's type name: "BIGINT", "VARCHAR", "JSON"...
std::string MariaTypeName(const MYSQL_FIELD& field);

}  // namespace howler::dbmanager
