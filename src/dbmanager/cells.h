// Cells: building the JSON text of one result cell from an engine's text form of a value
// (the mapping rules are in query_stream.h). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace howler::dbmanager {

inline constexpr std::string_view kNullCell = "null";

// "text" as a JSON string (ill-formed UTF-8 replaced, as AppendJsonString does).
std::string StringCell(std::string_view text);
// A JSON number when `text` is one exactly as written (so "12", "-1.5e3"), else a string
// ("NaN", "Infinity", "1.")
std::string NumberCell(std::string_view text);
// true / false.
std::string BoolCell(bool value);
// Raw bytes as a base64 (standard alphabet, padded) JSON string.
std::string BytesCell(std::string_view bytes);
// "YYYY-MM-DD HH:MM:SS[.fraction][+HH[:MM[:SS]]]" as ISO 8601: 'T' between date and time,
// a zero offset as "Z", other offsets as "+HH:MM". Anything else ("infinity", BC dates)
// as it is, as a string.
std::string TimestampCell(std::string_view text);
// JSON text as it is when it is valid JSON, else as a string.
std::string JsonCell(std::string_view text);

// Whether `text` is one JSON number (RFC 8259 grammar).
bool IsJsonNumber(std::string_view text);

}  // namespace howler::dbmanager
