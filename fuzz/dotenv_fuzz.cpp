// config::ParseDotenv (config/dotenv.h): any file text parses or is refused naming a line,
// never with a value in the message; every key read is a valid name.
#include <cstdint>

#include "config/dotenv.h"
#include "fuzz/fuzz_check.h"

namespace {

bool IsName(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (const char c : key) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parsed = howler::config::ParseDotenv(howler::fuzz::AsText(data, size));
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().message().find("line") != std::string::npos);
    return 0;
  }
  for (const auto& [key, value] : *parsed) FUZZ_CHECK(IsName(key));
  return 0;
}
