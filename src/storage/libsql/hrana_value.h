// Hrana values: storage::Value to and from the JSON of the Hrana protocol.
//
//   Null    {"type":"null"}
//   int64   {"type":"integer","value":"<decimal string>"}   (a JSON number is also read)
//   double  {"type":"float","value":<number>}               (finite only; exact both ways
//                                                            when parsed by ParseJsonExact)
//   text    {"type":"text","value":"..."}
//   Blob    {"type":"blob","base64":"..."}                  (padded on write; padded or
//                                                            unpadded on read)
//
// Encoding fails (INVALID_ARGUMENT) only for a non-finite double; decoding anything
// malformed is INTERNAL. Pure functions, thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include "common/result.h"
#include "storage/value.h"

namespace howler::storage {

Result<boost::json::value> EncodeHranaValue(const Value& value);
Result<Value> DecodeHranaValue(const boost::json::value& json);

}  // namespace howler::storage
