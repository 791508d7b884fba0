// BodySource: a response body produced while it is written (Response kind kStream or
// kEventStream). The transport sends it with chunked transfer encoding (HTTP/1.0: until
// the connection closes) and asks for one chunk at a time, so a slow reader slows the
// producer and nothing is buffered without bound. No Beast here.
#pragma once

#include <functional>
#include <string>

namespace howler::http {

struct BodyChunk {
  std::string data;     // may be empty
  bool last = false;    // the body ends after `data`
  bool failed = false;  // the producer failed: the connection closes without ending the
                        // body, so the client sees it cut short (data is ignored)

  static BodyChunk Data(std::string bytes) { return {std::move(bytes), false, false}; }
  static BodyChunk Last(std::string bytes = {}) { return {std::move(bytes), true, false}; }
  static BodyChunk Failed() { return {{}, false, true}; }
};

class BodySource {
 public:
  virtual ~BodySource() = default;

  // Asks for the next chunk. The source calls `deliver` exactly once, from any thread,
  // inline or later. The transport asks again only after the previous chunk was written
  // (that is the backpressure), and never after a last or failed chunk.
  virtual void Pull(std::function<void(BodyChunk)> deliver) = 0;

  // The client went away, a write timed out, or the server is stopping: the transport
  // writes nothing more. Release resources; a `deliver` of an outstanding Pull may still
  // be called and is ignored. Called at most once, from any thread (an I/O thread, or the
  // thread that stops the server); not called when the body ended with a last or failed
  // chunk.
  virtual void Cancel() {}
};

}  // namespace howler::http
