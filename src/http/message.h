// Request and Response: the transport-free HTTP messages that handlers and middleware
// see. No Beast here: handlers compile fast and are tested without sockets.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace howler::http {

class BodySource;        // http/body_source.h
class WebSocketHandler;  // http/websocket.h

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  // The first value of `name`, if present.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Replaces every field called `name` with one field.
  void Set(std::string name, std::string value);
  void Add(std::string name, std::string value);
  void Remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The method as a metric label or log field: one of the RFC 9110 methods plus PATCH, or
// "OTHER" for anything else, so that invented methods cannot grow label sets.
std::string_view MethodLabel(std::string_view method);

struct Request {
  std::string method;                             // "GET", "POST", ...
  std::string target;                             // as received: path and query
  std::string path;                               // decoded path, without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  Headers headers;
  std::string body;       // after Content-Encoding was undone
  unsigned version = 11;  // 10 or 11

  // Filled by the pipeline before the handler runs.
  std::string peer_ip;    // the socket's remote address
  std::string client_ip;  // peer_ip, or X-Forwarded-For's client when the peer is trusted
  std::string request_id;
  std::string route;  // the matched route template, e.g. "/api/sync/conflicts/{id}/resolve"
  std::map<std::string, std::string> path_params;
  std::chrono::steady_clock::time_point received_at;

  // The first value of a query parameter.
  std::optional<std::string_view> Query(std::string_view name) const;
};

// What the transport writes after the status line and headers (DESIGN.md "Response
// kinds"). Only kFixed uses `body`.
enum class ResponseKind {
  kFixed,        // `body`, with Content-Length
  kStream,       // `body_source`, chunked, as it is produced
  kEventStream,  // `body_source` as text/event-stream, with heartbeat comments while idle;
                 // ends at once when the server begins to shut down
  kWebSocket,    // status 101: the connection is handed to `websocket` (see websocket.h)
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Set when the connection must close after this response.
  bool close = false;
  // False when the pipeline must not gzip `body` (already compressed media, or a handler
  // that chose the encoding itself).
  bool compressible = true;
  ResponseKind kind = ResponseKind::kFixed;
  std::shared_ptr<BodySource> body_source;      // kStream, kEventStream
  std::shared_ptr<WebSocketHandler> websocket;  // kWebSocket
  // Internal detail of a failure, written to the log with the request id; never sent.
  std::string log_detail;
};

// Completes an asynchronous request. Call exactly once, from any thread.
using Responder = std::function<void(Response)>;

}  // namespace howler::http
