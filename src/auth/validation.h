// Input rules of the Auth API (API.md "Rules"). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace howler::auth {

// 3-32 characters of A-Z a-z 0-9 . _ -   (INVALID_ARGUMENT naming `username`).
Status ValidateUsername(std::string_view username);

// A plausible address, returned lower-cased (INVALID_ARGUMENT naming `email`).
Result<std::string> NormalizeEmail(std::string_view email);

std::string ToLower(std::string_view s);

}  // namespace howler::auth
