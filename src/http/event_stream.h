// EventStream: a bounded channel of server-sent events (text/event-stream) and the body
// source of a kEventStream response. Producers Publish() from any thread; the transport
// pulls whatever is queued as one chunk once the previous one was written, and writes a
// heartbeat comment itself while nothing is queued.
//
// Bounded: a producer that publishes while `max_events` events or `max_bytes` bytes
// still wait (the client reads too slowly) ends the stream instead of buffering more: the
// queue is dropped, the connection closes without ending the body, and Publish() returns
// false from then on. Close() ends the stream after the queued events. When the client
// goes away or the server stops, the transport cancels the stream: closed() turns true
// and Publish() returns false, so producers stop.
//
// Thread-safety: every member may be called from any thread; deliver callbacks run
// outside the lock.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "http/body_source.h"
#include "http/message.h"

namespace howler::http {

// Events and bytes that may wait for a slow client before its stream is ended.
struct EventStreamLimits {
  std::size_t max_events = 256;
  std::size_t max_bytes = 1 << 20;
};

class EventStream : public BodySource {
 public:
  using Limits = EventStreamLimits;

  explicit EventStream(Limits limits = {});

  // Queues one event. `event` and `id` may be empty (left out); CR and LF in them become
  // spaces. `data` is sent as one `data:` line per line (LF or CRLF separated). False when
  // the stream is closed, or this event overflowed it (which closes it).
  bool Publish(std::string_view event, std::string_view data, std::string_view id = {});
  // Ends the stream after the events already queued. Idempotent.
  void Close();
  // Closed by Close(), by an overflow, or cancelled by the transport.
  bool closed() const;
  // Events queued and not yet pulled.
  std::size_t queued_events() const;

  void Pull(std::function<void(BodyChunk)> deliver) override;
  void Cancel() override;

  // The wire text of one event, ending with the empty line.
  static std::string Format(std::string_view event, std::string_view data, std::string_view id);

 private:
  enum class State { kOpen, kClosing, kCancelled, kOverflowed };

  const Limits limits_;
  mutable std::mutex mu_;
  State state_ = State::kOpen;
  std::string queued_;  // formatted events, in order
  std::size_t queued_events_ = 0;
  std::function<void(BodyChunk)> waiting_;  // a Pull that found nothing queued
};

// A kEventStream response (200, text/event-stream, `X-Accel-Buffering: no` so that a
// buffering proxy passes each event on) whose body is `stream`.
Response EventStreamResponse(std::shared_ptr<EventStream> stream);

}  // namespace howler::http
