// ParseJsonExact: JSON text to a boost::json::value, with every floating-point number
// converted by std::from_chars (correctly rounded), so that the double a server printed
// with shortest round-trip formatting comes back bit for bit. (Boost.JSON 1.81's own
// parser may be one ulp off for long mantissas.) Malformed JSON is INTERNAL.
// Thread-safe (no shared state).
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "common/result.h"

namespace howler::storage {

Result<boost::json::value> ParseJsonExact(std::string_view text);

}  // namespace howler::storage
