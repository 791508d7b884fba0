// sync::DecodeCursor (sync/cursor.h): a cursor decodes only when it is exactly what
// EncodeCursor produces for its sequence; any sequence the input names round-trips.
#include <cstdint>
#include <cstring>

#include "fuzz/fuzz_check.h"
#include "sync/cursor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using howler::sync::Cursor;
  const std::string_view text = howler::fuzz::AsText(data, size);
  if (const auto decoded = howler::sync::DecodeCursor(text); decoded.ok()) {
    FUZZ_CHECK(decoded->seq >= 0);
    FUZZ_CHECK(howler::sync::EncodeCursor(*decoded) == text);
  }
  if (size >= sizeof(std::int64_t)) {
    std::int64_t seq = 0;
    std::memcpy(&seq, data, sizeof seq);
    if (seq < 0) seq = -(seq + 1);
    const std::string encoded = howler::sync::EncodeCursor(Cursor{seq});
    const auto back = howler::sync::DecodeCursor(encoded);
    FUZZ_CHECK(back.ok() && back->seq == seq);
  }
  return 0;
}
