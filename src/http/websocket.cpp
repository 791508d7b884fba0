#include "http/websocket.h"

#include "http/responses.h"

namespace howler::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether any field called `name` lists `token` (comma-separated, any case).
bool HasToken(const Headers& headers, std::string_view name, std::string_view token) {
  for (const auto& [field, value] : headers.fields()) {
    if (!EqualsIgnoreCase(field, name)) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      if (EqualsIgnoreCase(Trim(rest.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

}  // namespace

bool IsWebSocketUpgrade(const Request& request) {
  return request.method == "GET" && request.version >= 11 &&
         HasToken(request.headers, "Connection", "upgrade") &&
         HasToken(request.headers, "Upgrade", "websocket");
}

Response AcceptWebSocket(const Request& request, std::shared_ptr<WebSocketHandler> handler) {
  if (!IsWebSocketUpgrade(request)) {
    Response r = ErrorResponse(InvalidArgumentError("this endpoint takes a WebSocket upgrade"));
    r.status = 426;
    r.headers.Set("Upgrade", "websocket");
    return r;
  }
  Response r;
  r.status = 101;
  r.kind = ResponseKind::kWebSocket;
  r.websocket = std::move(handler);
  if (HasToken(request.headers, "Sec-WebSocket-Protocol", kWebSocketSubprotocol)) {
    r.headers.Set("Sec-WebSocket-Protocol", std::string(kWebSocketSubprotocol));
  }
  return r;
}

}  // namespace howler::http
