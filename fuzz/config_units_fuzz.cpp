// Configuration units (config/units.h): durations, sizes and booleans parse or are
// refused; what parses prints as text that parses back to the same value.
#include <cstdint>

#include "config/units.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace howler::config;
  const std::string_view text = howler::fuzz::AsText(data, size);
  if (const auto d = ParseDuration(text); d.ok()) {
    FUZZ_CHECK(d->count() >= 0);
    const auto back = ParseDuration(FormatDuration(*d));
    FUZZ_CHECK(back.ok() && *back == *d);
  }
  if (const auto bytes = ParseSize(text); bytes.ok()) {
    const auto back = ParseSize(FormatSize(*bytes));
    FUZZ_CHECK(back.ok() && *back == *bytes);
  }
  (void)ParseBool(text);
  return 0;
}
