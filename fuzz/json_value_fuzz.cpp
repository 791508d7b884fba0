// sync::ParseJson (sync/json_value.h): any bytes are parsed or refused without a crash;
// what parses serializes to text that parses back to the same value, and serializing is
// stable (the text sync stores is read back unchanged).
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "sync/json_value.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using howler::sync::ParseJson;
  using howler::sync::SerializeJson;
  const auto parsed = ParseJson(howler::fuzz::AsText(data, size), 16);
  if (!parsed.ok()) return 0;
  const std::string text = SerializeJson(*parsed);
  const auto again = ParseJson(text, 16);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *parsed);
  FUZZ_CHECK(SerializeJson(*again) == text);
  return 0;
}
