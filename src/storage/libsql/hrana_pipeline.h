// Hrana pipeline requests and responses (PROTOCOLS.md section 1): building the JSON of
// `execute` and atomic `batch` requests, and reading a pipeline response back into
// ResultSets and Statuses (errors mapped by hrana_status.h).
//
// An atomic batch of n statements has n + 3 steps: `BEGIN IMMEDIATE`; each statement on
// ok(previous step); `COMMIT` on ok(last statement); `ROLLBACK` on ok(BEGIN) and
// not(ok(COMMIT)), so that a batch never rolls back a transaction it did not open.
// Pure functions, thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/value.h"

namespace howler::storage {

// {"type":"execute","stmt":{...}}; INVALID_ARGUMENT for a non-finite float parameter.
Result<boost::json::object> ExecuteRequest(const Statement& statement);
// {"type":"batch","batch":{"steps":[...]}} as described above.
Result<boost::json::object> AtomicBatchRequest(const std::vector<Statement>& statements);
// {"type":"close"}.
boost::json::object CloseRequest();

// The body of `POST .../pipeline`: {"baton":null,"requests":[...]}.
std::string PipelineBody(boost::json::array requests);

// The `response` of each result of a pipeline response body, or the Status of its error.
// A body that is not a pipeline response, or has fewer results than `expected`, is
// INTERNAL.
Result<std::vector<Result<boost::json::value>>> ParsePipelineResponse(std::string_view body,
                                                                      std::size_t expected);

// The rows of an `execute` response.
Result<ResultSet> DecodeExecuteResponse(const boost::json::value& response);
// The statements' rows of an atomic batch response of `statements` statements, or the
// Status of the first failed step.
Result<std::vector<ResultSet>> DecodeAtomicBatchResponse(const boost::json::value& response,
                                                         std::size_t statements);

}  // namespace howler::storage
