// WebSocket connections behind a route, without Beast: the application implements
// WebSocketHandler, the transport implements WebSocketPeer. A route answers an upgrade
// request with AcceptWebSocket(); the pipeline has run authentication, rate limits and
// the rest before, as for any route.
//
// Limits the transport applies (ServerOptions): text messages only (a binary message
// closes with 1003), incoming messages up to websocket_max_message bytes (larger: 1009),
// invalid UTF-8 closes with 1007, other protocol errors with 1002, a ping after half of
// websocket_idle_timeout without a byte from the peer (a peer silent for all of it is
// dropped), and a bounded outgoing queue (overflow closes with 1013). BeginShutdown()
// closes every connection with 1001.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "http/message.h"

namespace howler::http {

// The subprotocol echoed back when the client offers it in Sec-WebSocket-Protocol.
inline constexpr std::string_view kWebSocketSubprotocol = "howlerops.v1";

class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Queues one text message (valid UTF-8). Thread-safe. False when the connection is
  // closing or closed, or when the queue was full: then the connection closes with 1013
  // and the message is dropped.
  virtual bool Send(std::string text) = 0;
  // Sends the queued messages, then starts the closing handshake with `code` (1000 normal,
  // 1008 policy, ...). Thread-safe; later calls are ignored.
  virtual void Close(int code = 1000, std::string reason = {}) = 0;
};

class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  // The handshake succeeded. `peer` may be kept and used from any thread until OnClose.
  // Called on an I/O thread: must not block.
  virtual void OnOpen(std::shared_ptr<WebSocketPeer> peer) = 0;
  // One complete text message. Called on the I/O thread, one at a time: must not block
  // (hand slow work to a pool and Send the answer from there).
  virtual void OnMessage(std::string text) = 0;
  // A message queued with WebSocketPeer::Send was written to the socket, in Send order
  // (a handler that keeps at most one message queued learns when to send the next).
  // Called on the I/O thread; must not block. The default does nothing.
  virtual void OnSent() {}
  // Called exactly once when the connection has ended (either side closed, an error or a
  // timeout, or the server stopped), on an I/O thread or the thread that stops the server;
  // also when the handshake failed before OnOpen. Drop the peer here.
  virtual void OnClose() = 0;
};

// Whether `request` asks for a WebSocket upgrade (GET, HTTP/1.1, `Connection: upgrade`,
// `Upgrade: websocket`).
bool IsWebSocketUpgrade(const Request& request);

// The answer of a WebSocket route: status 101 of kind kWebSocket carrying `handler`, with
// `Sec-WebSocket-Protocol: howlerops.v1` when the client offered that subprotocol; 426
// Upgrade Required (an API error body) when `request` is not an upgrade.
Response AcceptWebSocket(const Request& request, std::shared_ptr<WebSocketHandler> handler);

}  // namespace howler::http
