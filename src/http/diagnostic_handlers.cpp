#include "http/diagnostic_handlers.h"

#include <atomic>
#include <charconv>
#include <mutex>
#include <string>

#include "api/operations.h"
#include "auth/auth_service.h"
#include "common/timer_queue.h"
#include "http/event_stream.h"
#include "http/responses.h"
#include "http/websocket.h"

namespace howler::http {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static_assert(kDiagnosticChunkBytes % 64 == 0, "chunks start at a multiple of the pattern");

// One chunk of the pattern; every full chunk is this block, since chunks start at offsets
// that are multiples of 64.
const std::string& PatternBlock() {
  static const std::string block = [] {
    std::string b(kDiagnosticChunkBytes, '\0');
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = kAlphabet[i % kAlphabet.size()];
    return b;
  }();
  return block;
}

// One of the kMaxDiagnosticExchanges places, held by whatever keeps a diagnostic
// exchange alive (its body source or WebSocket handler) and given back when that goes.
class Slot {
 public:
  static std::unique_ptr<Slot> TryTake(std::shared_ptr<std::atomic<int>> in_use) {
    if (in_use->fetch_add(1) >= kMaxDiagnosticExchanges) {
      in_use->fetch_sub(1);
      return nullptr;
    }
    return std::unique_ptr<Slot>(new Slot(std::move(in_use)));
  }
  ~Slot() { in_use_->fetch_sub(1); }

 private:
  explicit Slot(std::shared_ptr<std::atomic<int>> in_use) : in_use_(std::move(in_use)) {}
  std::shared_ptr<std::atomic<int>> in_use_;
};

class GeneratedBody : public BodySource {
 public:
  GeneratedBody(std::uint64_t bytes, std::unique_ptr<Slot> slot)
      : left_(bytes), slot_(std::move(slot)) {}
  // Pulled on an I/O thread; delivers at once (copying 64 KiB costs microseconds).
  void Pull(std::function<void(BodyChunk)> deliver) override {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(left_, kDiagnosticChunkBytes));
    left_ -= n;
    std::string data = PatternBlock().substr(0, n);
    deliver(left_ == 0 ? BodyChunk::Last(std::move(data)) : BodyChunk::Data(std::move(data)));
  }

 private:
  std::uint64_t left_;  // the transport pulls one chunk at a time: no lock needed
  std::unique_ptr<Slot> slot_;
};

// The event stream of one /events request; holds its slot while the transport holds it.
class DiagnosticEvents : public EventStream {
 public:
  explicit DiagnosticEvents(std::unique_ptr<Slot> slot) : slot_(std::move(slot)) {}

 private:
  std::unique_ptr<Slot> slot_;
};

// Publishes event `seq` and schedules the next. Runs on the timer thread. It holds the
// stream weakly: once the transport let go (the client left), the next tick ends it.
void Tick(TimerQueue& timers, std::weak_ptr<EventStream> weak, int seq, int count,
          std::chrono::milliseconds interval) {
  const auto stream = weak.lock();
  if (!stream) return;
  const std::string data =
      "{\"seq\":" + std::to_string(seq) + ",\"count\":" + std::to_string(count) + "}";
  if (!stream->Publish("tick", data, std::to_string(seq))) return;
  if (seq == count) return stream->Close();
  const bool scheduled = timers.Schedule(interval, [&timers, weak, seq, count, interval] {
    Tick(timers, weak, seq + 1, count, interval);
  });
  if (!scheduled) stream->Close();  // the timer queue is full or stopping
}

class EchoHandler : public WebSocketHandler {
 public:
  explicit EchoHandler(std::unique_ptr<Slot> slot) : slot_(std::move(slot)) {}
  // All three run on the connection's I/O thread, or OnClose after the I/O threads ended:
  // never concurrently.
  void OnOpen(std::shared_ptr<WebSocketPeer> peer) override { peer_ = std::move(peer); }
  void OnMessage(std::string text) override { peer_->Send(std::move(text)); }
  void OnClose() override { peer_.reset(); }

 private:
  std::unique_ptr<Slot> slot_;
  std::shared_ptr<WebSocketPeer> peer_;
};

// An integer query parameter in [min, max]; `fallback` when absent.
Result<std::uint64_t> BoundedParam(const Request& request, std::string_view name, std::uint64_t min,
                                   std::uint64_t max, std::uint64_t fallback) {
  const auto text = request.Query(name);
  if (!text) return fallback;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return InvalidArgumentError(std::string(name) + " must be a whole number from " +
                                std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Response Busy() {
  return ErrorResponse(UnavailableError("too many diagnostic streams, retry shortly"));
}

Response Stream(const Request& request, std::shared_ptr<std::atomic<int>> in_use) {
  auto bytes = BoundedParam(request, "bytes", 0, kMaxDiagnosticStreamBytes, 1 << 20);
  if (!bytes.ok()) return ErrorResponse(bytes.status());
  auto slot = Slot::TryTake(std::move(in_use));
  if (!slot) return Busy();
  Response r;
  r.kind = ResponseKind::kStream;
  r.headers.Set("Content-Type", "application/octet-stream");
  r.headers.Set("X-Diagnostic-Bytes", std::to_string(*bytes));
  r.body_source = std::make_shared<GeneratedBody>(*bytes, std::move(slot));
  return r;
}

Response Events(const Request& request, TimerQueue& timers,
                std::shared_ptr<std::atomic<int>> in_use) {
  auto count = BoundedParam(request, "count", 1, kMaxDiagnosticEvents, 10);
  if (!count.ok()) return ErrorResponse(count.status());
  auto interval = BoundedParam(request, "interval_ms", 0, kMaxDiagnosticIntervalMs, 1000);
  if (!interval.ok()) return ErrorResponse(interval.status());
  auto slot = Slot::TryTake(std::move(in_use));
  if (!slot) return Busy();
  auto stream = std::make_shared<DiagnosticEvents>(std::move(slot));
  const int n = static_cast<int>(*count);
  const std::chrono::milliseconds every(*interval);
  std::weak_ptr<EventStream> weak = stream;
  if (!timers.Schedule(std::chrono::milliseconds(0),
                       [&timers, weak, n, every] { Tick(timers, weak, 1, n, every); })) {
    return Busy();
  }
  return EventStreamResponse(std::move(stream));
}

Response Echo(const Request& request, std::shared_ptr<std::atomic<int>> in_use) {
  if (!IsWebSocketUpgrade(request)) return AcceptWebSocket(request, nullptr);  // 426
  auto slot = Slot::TryTake(std::move(in_use));
  if (!slot) return Busy();
  return AcceptWebSocket(request, std::make_shared<EchoHandler>(std::move(slot)));
}

}  // namespace

char GeneratedByte(std::uint64_t offset) {
  return kAlphabet[offset % kAlphabet.size()];
}

std::shared_ptr<BodySource> MakeGeneratedBody(std::uint64_t bytes) {
  return std::make_shared<GeneratedBody>(bytes, nullptr);
}

void AddDiagnosticRoutes(Router& router, DiagnosticDeps deps) {
  namespace ops = api::ops;
  using P = const auth::Principal&;
  auto in_use = std::make_shared<std::atomic<int>>(0);
  TimerQueue& timers = deps.timers;
  router.Add(ops::kDiagnosticsStream, [in_use](const Request& r, P) { return Stream(r, in_use); });
  router.Add(ops::kDiagnosticsEvents,
             [in_use, &timers](const Request& r, P) { return Events(r, timers, in_use); });
  router.Add(ops::kDiagnosticsWebSocket, [in_use](const Request& r, P) { return Echo(r, in_use); });
}

}  // namespace howler::http
