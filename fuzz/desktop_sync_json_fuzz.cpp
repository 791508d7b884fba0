// The desktop client's sync dialect (http/desktop_sync_json.h): any camelCase upload or
// resolve body is converted or refused with a Status, never a crash, and an upload never
// holds more than max_changes changes.
#include <boost/json/parse.hpp>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "http/desktop_sync_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMaxChanges = 8;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(howler::fuzz::AsText(data, size), ec);
  if (ec || !value.is_object()) return 0;
  const auto& body = value.get_object();
  (void)howler::http::IsDesktopUpload(body);
  if (const auto upload = howler::http::ParseDesktopUpload(body, kMaxChanges); upload.ok()) {
    FUZZ_CHECK(upload->changes.size() <= kMaxChanges);
  }
  (void)howler::http::IsDesktopResolve(body);
  (void)howler::http::ParseDesktopResolve(body);
  return 0;
}
