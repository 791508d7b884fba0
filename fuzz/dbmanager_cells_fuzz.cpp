// dbmanager cells (dbmanager/cells.h): whatever text an engine returns for a value, each
// cell is one valid JSON value; NumberCell and JsonCell keep valid input as it is.
#include <cstdint>

#include "dbmanager/cells.h"
#include "fuzz/fuzz_check.h"
#include "sync/json_value.h"

namespace {

howler::sync::JsonValue ParsedCell(const std::string& cell) {
  auto parsed = howler::sync::ParseJson(cell, 1 << 20);
  if (!parsed.ok()) {
    std::fprintf(stderr, "not JSON: %s\n", cell.c_str());
    FUZZ_CHECK(parsed.ok());
  }
  return *std::move(parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace howler::dbmanager;
  const std::string_view text = howler::fuzz::AsText(data, size);
  ParsedCell(StringCell(text));
  ParsedCell(BytesCell(text));
  ParsedCell(TimestampCell(text));
  const std::string number = NumberCell(text);
  ParsedCell(number);
  if (IsJsonNumber(text)) FUZZ_CHECK(number == text);
  ParsedCell(JsonCell(text));
  return 0;
}
