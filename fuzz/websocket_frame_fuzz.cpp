// The WebSocket frame parser (http/websocket_frame.h), which reads every byte a
// WebSocket client sends after the upgrade. The first input byte sets a chunk size; the
// rest is fed whole and in chunks of that size: both ways give the same events and the
// same verdict, every text message is valid UTF-8 within the size limit, every close code
// is one a peer may send, and a verdict, once given, stays.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/utf8.h"
#include "fuzz/fuzz_check.h"
#include "http/websocket_frame.h"

namespace {

using howler::http::WebSocketEvent;
using howler::http::WebSocketFrameParser;

constexpr std::size_t kMaxMessage = 4096;

struct Outcome {
  std::vector<WebSocketEvent> events;
  int verdict = 0;
};

Outcome Parse(std::string_view bytes, std::size_t chunk) {
  WebSocketFrameParser parser(kMaxMessage);
  Outcome out;
  while (!bytes.empty()) {
    const std::size_t n = std::min(chunk, bytes.size());
    const int verdict = parser.Feed(bytes.substr(0, n), out.events);
    FUZZ_CHECK(out.verdict == 0 || verdict == out.verdict);
    out.verdict = verdict;
    bytes.remove_prefix(n);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 17;
  const std::string_view bytes = howler::fuzz::AsText(data + 1, size - 1);
  const Outcome whole = Parse(bytes, bytes.size() + 1);
  const Outcome pieces = Parse(bytes, chunk);
  FUZZ_CHECK(whole.verdict == pieces.verdict);
  FUZZ_CHECK(whole.events.size() == pieces.events.size());
  const int v = whole.verdict;
  FUZZ_CHECK(v == 0 || v == 1002 || v == 1003 || v == 1007 || v == 1009);
  for (std::size_t i = 0; i < whole.events.size(); ++i) {
    const WebSocketEvent& e = whole.events[i];
    FUZZ_CHECK(e.kind == pieces.events[i].kind && e.payload == pieces.events[i].payload &&
               e.code == pieces.events[i].code);
    switch (e.kind) {
      case WebSocketEvent::Kind::kText:
        FUZZ_CHECK(e.payload.size() <= kMaxMessage && howler::IsValidUtf8(e.payload));
        break;
      case WebSocketEvent::Kind::kPing:
      case WebSocketEvent::Kind::kPong:
        FUZZ_CHECK(e.payload.size() <= 125);
        break;
      case WebSocketEvent::Kind::kClose:
        FUZZ_CHECK(i + 1 == whole.events.size());  // nothing is read after a close
        FUZZ_CHECK(e.code == 1005 || (e.code >= 1000 && e.code <= 4999));
        FUZZ_CHECK(howler::IsValidUtf8(e.payload));
        break;
    }
  }
  return 0;
}
