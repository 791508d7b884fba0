// Reading JSON request bodies and writing JSON responses with Boost.JSON. Field errors
// are INVALID_ARGUMENT naming the field, as API.md requires; unknown fields are ignored.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/operation.h"
#include "common/clock.h"
#include "common/result.h"
#include "http/message.h"

namespace howler::http {

// The body as a JSON object. An empty body is an empty object when `allow_empty`.
Result<boost::json::object> ParseJsonObject(const Request& request, bool allow_empty = false);
// The same, with every part of the object allocated from `memory` (an arena such as
// boost::json::monotonic_resource, for large bodies: one allocation per block, and no walk
// of the tree to free it). The caller keeps `memory` alive longer than the object.
Result<boost::json::object> ParseJsonObjectIn(const Request& request,
                                              boost::json::storage_ptr memory);

// A required string field of at most `max_bytes` bytes (empty strings are "missing").
Result<std::string> RequiredString(const boost::json::object& o, std::string_view field,
                                   std::size_t max_bytes = 4096);
Result<std::optional<std::string>> OptionalString(const boost::json::object& o,
                                                  std::string_view field,
                                                  std::size_t max_bytes = 4096);
// A string field checked against its declared limit (api/fields.h). A missing or null
// field reads as empty (so a required one is "<field> is required"); another JSON type is
// "<field> must be a string".
Result<std::string> TextField(const boost::json::object& o, const api::FieldLimit& limit);

// A string member of one item of a batch, whose problems reject that item only: empty when
// absent or null; another type leaves "<field> must be a string" in `problem` (the first
// problem found is kept).
std::string ItemString(const boost::json::object& o, std::string_view field, std::string& problem);

Result<std::optional<bool>> OptionalBool(const boost::json::object& o, std::string_view field);

// A JSON response with the serialized value.
Response JsonValueResponse(int status, const boost::json::value& value);

// RFC 3339 text of a millisecond timestamp, or null.
boost::json::value TimeValue(std::optional<std::int64_t> unix_ms);

}  // namespace howler::http
