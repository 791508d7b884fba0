// The Sync JSON bodies (http/sync_json.h): any upload or resolve body is converted or
// refused with a Status, never a crash; an upload never holds more than max_changes
// changes; item data converted to sync's tree serializes to JSON that parses again.
#include <boost/json/parse.hpp>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "http/sync_json.h"
#include "sync/json_value.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMaxChanges = 8;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(howler::fuzz::AsText(data, size), ec);
  if (ec) return 0;
  const std::string tree = howler::sync::SerializeJson(howler::http::ToSyncJson(value));
  FUZZ_CHECK(howler::sync::ParseJson(tree, 1 << 20).ok());
  if (!value.is_object()) return 0;
  const auto& body = value.get_object();
  if (const auto upload = howler::http::ParseUploadBody(body, kMaxChanges); upload.ok()) {
    FUZZ_CHECK(upload->changes.size() <= kMaxChanges);
  }
  (void)howler::http::ParseResolveBody(body);
  return 0;
}
