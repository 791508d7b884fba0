// A query's results as a stream of events, pulled one at a time.
//
// Order: one kColumns event (empty for a statement without a result set), any number of
// kRows events (a batch of rows each), then exactly one of kSummary or kError. A query
// cancelled through Cancel() ends with kError CANCELLED "query cancelled"; one stopped by
// its statement timeout with DEADLINE_EXCEEDED; a failing statement with the engine's
// own text, SQLSTATE (or error number) and position when the engine gives one.
//
// Cells are JSON texts, ready to write: NULL is null; booleans true/false; integers that
// fit a double exactly (up to 32 bits) and floating-point values are numbers; 64-bit
// integers and exact numerics (DECIMAL, NUMERIC) are strings, as are NaN and infinities;
// bytes are base64 strings; timestamps ISO 8601 strings ("2024-01-02T03:04:05.5" without
// a zone, "...Z" for a UTC instant), dates "2024-01-02"; JSON columns are the JSON
// itself; arrays are JSON arrays of mapped elements; anything else is its text as a string.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace howler::dbmanager {

struct Column {
  std::string name;
  std::string type;  // the engine's own type name ("int8", "varchar", "BIGINT"...)
};

using CellRow = std::vector<std::string>;  // one JSON text per column

struct QuerySummary {
  std::int64_t rows = 0;   // rows delivered
  std::int64_t bytes = 0;  // bytes of the cells delivered (their JSON text)
  std::chrono::microseconds duration{0};
  bool truncated = false;                     // the row or byte limit stopped the delivery
  std::optional<std::int64_t> affected_rows;  // for statements that change rows
  std::vector<std::string> notices;           // the server's notices and warnings (at most 100)
};

struct QueryEvent {
  enum class Kind { kColumns, kRows, kSummary, kError };
  Kind kind = Kind::kColumns;
  std::vector<Column> columns;  // kColumns
  std::vector<CellRow> rows;    // kRows
  QuerySummary summary;         // kSummary
  Status error;                 // kError
};

struct QueryRequest {
  std::string sql;  // one statement
  // Positional parameters ($1 for PostgreSQL, ? for MariaDB and libSQL), sent as text;
  // nullopt is NULL.
  std::vector<std::optional<std::string>> params;
  std::int64_t row_limit = 0;  // 0: no limit; more rows end truncated
  // 0: no limit; the first row that would take the cells delivered past it is not
  // delivered, and the result ends truncated.
  std::int64_t byte_limit = 0;
  std::chrono::milliseconds statement_timeout{0};  // 0: none
};

// Whether one more row whose cells take `row_bytes` stays within `request`'s limits: then
// it is counted in `summary`; else the summary is marked truncated (and every later row
// is refused too).
inline bool AdmitRow(const QueryRequest& request, QuerySummary& summary, std::size_t row_bytes) {
  const auto bytes = static_cast<std::int64_t>(row_bytes);
  if (summary.truncated || (request.row_limit > 0 && summary.rows >= request.row_limit) ||
      (request.byte_limit > 0 && summary.bytes + bytes > request.byte_limit)) {
    summary.truncated = true;
    return false;
  }
  ++summary.rows;
  summary.bytes += bytes;
  return true;
}

// Pull-based results of one running query. Thread-safe.
class QueryStream {
 public:
  virtual ~QueryStream() = default;

  // Asks for the next event. `deliver` is called exactly once, inline or later from the
  // engine's own thread; it must not block. Call again only after the previous delivery,
  // and never after kSummary or kError. Rows are read from the server only while
  // asked for, so a slow consumer slows the query instead of filling memory.
  virtual void Next(std::function<void(QueryEvent)> deliver) = 0;

  // Asks the server to stop the query; the stream then ends with CANCELLED (unless it
  // already ended). Any thread, any number of times. May block the calling thread for
  // one connection to the database server (the cancel request): not on an I/O thread.
  virtual void Cancel() = 0;
};

}  // namespace howler::dbmanager
