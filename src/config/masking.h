// Masking of secrets for check-config output and logs. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace howler::config {

// "(unset)" when empty; "****" plus the last 4 characters for secrets of 16 or more
// characters; "****" alone for shorter ones, so that a short secret is never half shown.
std::string MaskSecret(std::string_view secret);

// The URL with the password of its user-info and every query-parameter value replaced by
// "****": "smtp://user:****@host:587", "libsql://db?authToken=****". Other URLs come back
// unchanged; "(unset)" when empty.
std::string MaskUrlCredentials(std::string_view url);

}  // namespace howler::config
