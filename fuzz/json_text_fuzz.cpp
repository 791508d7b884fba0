// howler::AppendJsonString (common/json_text.h): whatever the bytes, the output is one
// valid JSON string, and well-formed UTF-8 comes back unchanged.
#include <cstdint>

#include "common/json_text.h"
#include "common/utf8.h"
#include "fuzz/fuzz_check.h"
#include "sync/json_value.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = howler::fuzz::AsText(data, size);
  const std::string quoted = howler::JsonString(input);
  const auto parsed = howler::sync::ParseJson(quoted);
  FUZZ_CHECK(parsed.ok());
  FUZZ_CHECK(parsed->is_string());
  if (howler::IsValidUtf8(input)) FUZZ_CHECK(parsed->text() == input);
  return 0;
}
