// Version, commit and build date of this binary, stamped at configure time.
#pragma once

#include <string>

namespace howler::app {

std::string BuildVersion();  // "0.1.0"
std::string BuildCommit();   // short git hash, or "unknown"
std::string BuildDate();     // "2026-11-25"

}  // namespace howler::app
