// The database manager's wire shapes as JSON (API.md "Database manager"), shared by the
// HTTP handlers and the gRPC service (which carries the schema as a Struct and rows as
// JSON text). Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "dbmanager/query_stream.h"
#include "dbmanager/schema.h"
#include "dbmanager/session_manager.h"

namespace howler::dbmanager {

// Session = {"id", "type", "host", "port", "database", "username", "read_only",
// "opened_at", "last_used_at"} (never the password).
boost::json::object SessionJson(const SessionInfo& session);
// {"schemas": [...], "relations": [...]}
boost::json::object SchemaJson(const Schema& schema);

// The lines of a streamed result, each ending in "\n".
std::string ColumnsLine(const std::vector<Column>& columns);  // {"columns": [...]}
std::string RowsLine(const std::vector<CellRow>& rows);       // {"rows": [[...], ...]}
std::string SummaryLine(const QuerySummary& summary);         // {"summary": {...}}
// One row as a JSON array text (cells are JSON texts already).
std::string RowJson(const CellRow& row);

}  // namespace howler::dbmanager
