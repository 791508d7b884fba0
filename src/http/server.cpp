// The only translation unit that includes Beast and Asio (they cost 15-20 s to compile).
// Coroutines are free functions taking their arguments by value (LIBRARIES.md: GCC 12.2
// miscompiles capturing lambda coroutines).
#include "http/server.h"

#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cerrno>
#include <condition_variable>
#include <future>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/log.h"
#include "http/beast_request.h"
#include "http/body_source.h"
#include "http/pipeline.h"
#include "http/responses.h"
#include "http/websocket.h"
#include "http/websocket_frame.h"
#include "http/wire.h"
#include "metrics/metrics.h"

namespace howler::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Clock = std::chrono::steady_clock;

// A streamed body, event stream or WebSocket: an exchange that lives on after its head
// was written. It is registered with the server so that BeginShutdown() and Stop() reach
// it, and it is the mailbox through which other threads hand things (body chunks,
// messages to send) to its coroutine.
//
// Threading: `timer` and the members the subclasses mark "executor" belong to the
// connection's io_context thread; `waiting` and `detached` (and the subclasses' mailbox
// members) are guarded by `mu` and may be touched from any thread.
class LiveExchange : public std::enable_shared_from_this<LiveExchange> {
 public:
  LiveExchange(const asio::any_io_executor& executor, std::string_view kind)
      : kind(kind), timer(executor) {}
  virtual ~LiveExchange() = default;

  // Executor: the server began to shut down.
  virtual void GoAway() = 0;
  // Executor: the server's periodic sweep (a quarter of websocket_idle_timeout); a
  // WebSocket checks how long its peer has been silent. Others ignore it.
  virtual void Tick() {}
  // Releases the application's side once (cancels the body source, or tells the WebSocket
  // handler it closed). From the coroutine's end on the executor, or from Stop() after the
  // I/O threads ended.
  void Release() {
    if (!released_.exchange(true)) OnRelease();
  }
  // Any thread: no more wake-ups are posted (the coroutine is over or the server stopped).
  void Detach() {
    std::lock_guard lock(mu);
    detached = true;
  }
  // Executor: after a wait on `timer` ended.
  void StopWaiting() {
    std::lock_guard lock(mu);
    waiting = false;
  }

  const std::string_view kind;  // metric label: stream, events or websocket
  asio::steady_timer timer;     // executor: the coroutine's waits, cut short by wake-ups

 protected:
  virtual void OnRelease() = 0;
  // Requires mu. Wakes the coroutine if it waits on `timer` (through its executor, since
  // the timer is not thread-safe). The coroutine sets `waiting` under mu after finding its
  // mailbox empty, so no wake-up is lost.
  void WakeLocked() {
    if (!waiting || detached) return;
    waiting = false;
    asio::post(timer.get_executor(), [self = shared_from_this()] { self->timer.cancel(); });
  }

  std::mutex mu;
  bool waiting = false;
  bool detached = false;

 private:
  std::atomic<bool> released_{false};
};

struct HttpServer::State {
  State(ServerOptions o, const Pipeline& p, metrics::Metrics* m)
      : options(std::move(o)), pipeline(p), metrics(m) {}

  // Long-lived exchanges by address, removed by their coroutines. Declared before the
  // io_contexts, whose destruction may destroy those coroutines.
  std::mutex live_mu;
  std::unordered_map<LiveExchange*, std::weak_ptr<LiveExchange>> live;

  ServerOptions options;
  const Pipeline& pipeline;
  metrics::Metrics* const metrics;
  // One single-threaded io_context per I/O thread: a connection lives on one of them,
  // so its operations need no strand. contexts[0] also runs the acceptor.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::size_t next_context = 0;  // touched by the accept loop only
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::atomic<bool> draining{false};
  std::atomic<int> active{0};
  // The context that new connections take; null for plain text. ReloadTls replaces it;
  // a connection keeps the one it started with (it holds a reference).
  std::mutex tls_mu;
  std::shared_ptr<ssl::context> tls;

  std::shared_ptr<ssl::context> CurrentTlsContext() {
    std::lock_guard lock(tls_mu);
    return tls;
  }
  std::mutex mu;
  std::condition_variable idle_cv;
  bool stopped = false;

  void RequestDone() {
    if (active.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      idle_cv.notify_all();
    }
  }

  std::vector<std::shared_ptr<LiveExchange>> LiveExchanges() {
    std::vector<std::shared_ptr<LiveExchange>> out;
    std::lock_guard lock(live_mu);
    for (const auto& [raw, weak] : live) {
      if (auto strong = weak.lock()) out.push_back(std::move(strong));
    }
    return out;
  }
};

namespace {

template <typename Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

// Coroutine frames hold a plain pointer: State owns the io_context that owns the frames.
using StatePtr = HttpServer::State*;

// The meeting point of a request handed to the pipeline and the coroutine waiting for
// its response. A response produced while the pipeline call is still on the stack
// (inline routes) is taken directly, with no post and no thread wake-up; a later one
// (worker pool, async routes) resumes the coroutine through its executor.
struct PendingResponse {
  std::mutex mu;
  std::optional<Response> response;
  std::function<void(Response)> resume;  // set once the coroutine waits

  void Complete(Response r) {
    std::unique_lock lock(mu);
    if (!resume) {
      response = std::move(r);
      return;
    }
    auto resume_now = std::move(resume);
    lock.unlock();
    resume_now(std::move(r));
  }
};

// Waits for `pending` to complete, resuming on the caller's executor.
template <typename Token>
auto AsyncWait(std::shared_ptr<PendingResponse> pending, Token&& token) {
  return asio::async_initiate<Token, void(Response)>(
      [](auto handler, std::shared_ptr<PendingResponse> pending) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto post_resume = [shared](Response r) {
          auto ex = asio::get_associated_executor(*shared);
          asio::post(ex, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        };
        std::unique_lock lock(pending->mu);
        if (pending->response) {  // completed in the meantime
          Response r = std::move(*pending->response);
          lock.unlock();
          post_resume(std::move(r));
          return;
        }
        pending->resume = std::move(post_resume);
      },
      token, std::move(pending));
}

// A response for a request that failed to parse; the connection closes after it.
std::string ParseFailureResponse(beast::error_code ec) {
  Status status = InvalidArgumentError("malformed HTTP request");
  int code = 400;
  if (ec == bhttp::error::body_limit) {
    status =
        ResourceExhaustedError("request body is too large").WithReason(ApiReason::kPayloadTooLarge);
  } else if (ec == bhttp::error::header_limit) {
    code = 431;
  }
  Response r = ErrorResponse(status);
  if (code == 431) r.status = 431;
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("Cache-Control", "no-store");
  return SerializeResponse(r, 11, false);
}

// A request whose Transfer-Encoding leaves its length unknowable (wire.h).
bool HasUnacceptedFraming(const bhttp::request_parser<bhttp::string_body>& parser) {
  std::vector<std::string_view> values;
  const auto [first, last] = parser.get().equal_range(bhttp::field::transfer_encoding);
  for (auto it = first; it != last; ++it) values.push_back(it->value());
  return !IsAcceptedTransferEncoding(values);
}

bool IsQuietDisconnect(beast::error_code ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == beast::error::timeout ||
         ec == asio::error::operation_aborted || ec == bhttp::error::partial_message;
}

std::string_view WriteFailureReason(beast::error_code ec) {
  return ec == beast::error::timeout ? "write_timeout" : "client_gone";
}

// Registers a live exchange for its owner's lifetime (a coroutine frame, or the exchange
// itself) and keeps the open-streams gauge; on destruction it counts the end reason
// (shutdown when it was cut off by Stop()), detaches the exchange and releases the
// application's side. The exchange must outlive it.
class LiveRegistration {
 public:
  LiveRegistration(StatePtr state, LiveExchange* exchange) : state_(state), exchange_(exchange) {
    {
      std::lock_guard lock(state_->live_mu);
      state_->live.emplace(exchange_, exchange_->weak_from_this());
    }
    if (state_->metrics) state_->metrics->AddOpenStreams(exchange_->kind, 1);
    // BeginShutdown sets `draining` before it collects the registered exchanges: one
    // registered too late to be collected sees the flag here.
    if (state_->draining.load()) exchange_->GoAway();
  }
  ~LiveRegistration() {
    exchange_->Detach();
    exchange_->Release();
    if (state_->metrics) {
      state_->metrics->AddOpenStreams(exchange_->kind, -1);
      state_->metrics->CountStreamEnd(exchange_->kind, reason_.empty() ? "shutdown" : reason_);
    }
    std::lock_guard lock(state_->live_mu);
    state_->live.erase(exchange_);
  }
  LiveRegistration(const LiveRegistration&) = delete;
  LiveRegistration& operator=(const LiveRegistration&) = delete;

  void End(std::string_view reason) {
    if (reason_.empty()) reason_ = reason;
  }

 private:
  StatePtr state_;
  LiveExchange* exchange_;
  std::string_view reason_;
};

// Waits on `exchange->timer` until `deadline` or a wake-up; true when the deadline passed.
// The caller holds the exchange.
asio::awaitable<bool> Sleep(LiveExchange* exchange, Clock::time_point deadline) {
  beast::error_code ec;
  exchange->timer.expires_at(deadline);
  co_await exchange->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  exchange->StopWaiting();
  co_return !ec;
}

// --- streamed bodies and event streams ---

// The mailbox between a BodySource, which delivers chunks from any thread, and the
// coroutine that writes them.
class StreamExchange final : public LiveExchange {
 public:
  StreamExchange(const asio::any_io_executor& executor, bool events,
                 std::shared_ptr<BodySource> source)
      : LiveExchange(executor, events ? "events" : "stream"),
        events(events),
        source_(std::move(source)) {}

  // Executor: asks the source for the next chunk.
  void PullNext() {
    std::weak_ptr<StreamExchange> weak =
        std::static_pointer_cast<StreamExchange>(shared_from_this());
    source_->Pull([weak](BodyChunk chunk) {
      if (auto self = weak.lock()) self->Deliver(std::move(chunk));
    });
  }
  // Executor: the delivered chunk, or nullopt after marking the coroutine waiting.
  std::optional<BodyChunk> TakeOrWait() {
    std::lock_guard lock(mu);
    if (!chunk_) {
      waiting = true;
      return std::nullopt;
    }
    std::optional<BodyChunk> out = std::move(chunk_);
    chunk_.reset();
    return out;
  }
  void GoAway() override {
    going_away = true;
    timer.cancel();
  }

  const bool events;
  // Executor.
  bool going_away = false;        // BeginShutdown reached this exchange
  bool hangup_signalled = false;  // the socket turned readable while streaming
  bool source_ended = false;      // a last or failed chunk arrived: no Cancel()

 private:
  void Deliver(BodyChunk chunk) {
    std::lock_guard lock(mu);
    if (detached) return;
    chunk_ = std::move(chunk);
    WakeLocked();
  }
  // Frees the source here (its holders, such as a diagnostic slot, are released before
  // the gauge drops).
  void OnRelease() override {
    std::shared_ptr<BodySource> source = std::move(source_);
    if (!source_ended) source->Cancel();
  }

  std::shared_ptr<BodySource> source_;  // executor, until released
  std::optional<BodyChunk> chunk_;      // guarded by mu
};

// Watches the socket while a body streams: readable means the client closed (or sent a
// pipelined request, see CheckHangUp). The handler only flags and wakes the exchange;
// the coroutine, which owns the socket, looks.
void WatchForHangUp(tcp::socket& socket, std::shared_ptr<StreamExchange> exchange) {
  socket.async_wait(tcp::socket::wait_read, [exchange](beast::error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    exchange->hangup_signalled = true;
    exchange->timer.cancel();
  });
}

enum class PeerState { kGone, kQuiet, kSentData };

// After the socket turned readable: EOF or an error means the client is gone. Over TLS
// the bytes are likely the client's close_notify alert, so there a FIN behind them
// (POLLRDHUP) means gone too.
PeerState CheckHangUp(tcp::socket& socket, bool tls) {
  if (tls) {
    pollfd p{socket.native_handle(), POLLRDHUP, 0};
    if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
      return PeerState::kGone;
    }
  }
  char byte;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return PeerState::kSentData;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    return PeerState::kQuiet;
  }
  return PeerState::kGone;
}

// Writes `data` as one chunk (or raw, when the body ends at close).
template <typename Stream>
asio::awaitable<void> WriteChunk(Stream* stream, std::string_view data, BodyFraming framing,
                                 StatePtr state, beast::error_code* ec) {
  beast::get_lowest_layer(*stream).expires_after(state->options.read_timeout);
  auto token = asio::redirect_error(asio::use_awaitable, *ec);
  if (framing != BodyFraming::kChunked) {
    co_await asio::async_write(*stream, asio::buffer(data), token);
    co_return;
  }
  const std::string size_line = ChunkSizeLine(data.size());
  const std::array<asio::const_buffer, 3> buffers = {asio::buffer(size_line), asio::buffer(data),
                                                     asio::buffer(std::string_view("\r\n"))};
  co_await asio::async_write(*stream, buffers, token);
}

template <typename Stream>
asio::awaitable<void> WriteLastChunk(Stream* stream, BodyFraming framing, StatePtr state,
                                     beast::error_code* ec) {
  if (framing != BodyFraming::kChunked) co_return;
  beast::get_lowest_layer(*stream).expires_after(state->options.read_timeout);
  co_await asio::async_write(*stream, asio::buffer(kLastChunk),
                             asio::redirect_error(asio::use_awaitable, *ec));
}

// Pulls and writes chunks until the body ends; returns the end reason (metric label).
// One chunk is pulled at a time and only after the previous one was written. While the
// source has nothing, an event stream writes a heartbeat every event_stream_heartbeat.
// Over TLS, bytes from the client that do not end the connection (yet) may be its
// close_notify with the FIN still on its way, so the hang-up check is repeated, from 50 ms
// doubling to 2 s, while they sit unread.
template <typename Stream>
asio::awaitable<std::string_view> PumpBody(Stream* stream, std::shared_ptr<StreamExchange> ex,
                                           BodyFraming framing, StatePtr state) {
  static constexpr std::string_view kHeartbeat = ": keep-alive\n\n";
  const auto heartbeat = state->options.event_stream_heartbeat;
  auto next_heartbeat = Clock::now() + heartbeat;
  beast::error_code ec;
  bool pulling = false;
  std::optional<Clock::time_point> recheck_at;
  std::chrono::milliseconds recheck_after{50};
  for (;;) {
    if (ex->events && ex->going_away) {
      co_await WriteLastChunk(stream, framing, state, &ec);
      co_return "shutdown";
    }
    if (recheck_at && Clock::now() >= *recheck_at) {
      recheck_at.reset();
      ex->hangup_signalled = true;
    }
    if (ex->hangup_signalled) {
      ex->hangup_signalled = false;
      tcp::socket& socket = beast::get_lowest_layer(*stream).socket();
      const PeerState peer = CheckHangUp(socket, kIsTls<Stream>);
      if (peer == PeerState::kGone) co_return "client_gone";
      if (peer == PeerState::kQuiet) WatchForHangUp(socket, ex);
      if (peer == PeerState::kSentData && kIsTls<Stream>) {
        recheck_at = Clock::now() + recheck_after;
        recheck_after =
            std::min<std::chrono::milliseconds>(recheck_after * 2, std::chrono::seconds(2));
      }
    }
    if (!pulling) {
      pulling = true;
      ex->PullNext();
    }
    std::optional<BodyChunk> chunk = ex->TakeOrWait();
    if (!chunk) {
      auto deadline = ex->events ? next_heartbeat : Clock::time_point::max();
      if (recheck_at) deadline = std::min(deadline, *recheck_at);
      if (co_await Sleep(ex.get(), deadline) && ex->events && Clock::now() >= next_heartbeat) {
        co_await WriteChunk(stream, kHeartbeat, framing, state, &ec);
        if (ec) co_return WriteFailureReason(ec);
        if (state->metrics) state->metrics->CountStreamedBytes(ex->kind, kHeartbeat.size());
        next_heartbeat = Clock::now() + heartbeat;
      }
      continue;
    }
    pulling = false;
    if (chunk->failed) {
      ex->source_ended = true;
      co_return "source_failed";
    }
    ex->source_ended = chunk->last;
    if (!chunk->data.empty()) {
      co_await WriteChunk(stream, chunk->data, framing, state, &ec);
      if (ec) co_return WriteFailureReason(ec);
      if (state->metrics) state->metrics->CountStreamedBytes(ex->kind, chunk->data.size());
      next_heartbeat = Clock::now() + heartbeat;
    }
    if (chunk->last) {
      co_await WriteLastChunk(stream, framing, state, &ec);
      co_return ec ? WriteFailureReason(ec) : std::string_view("complete");
    }
  }
}

// Writes a kStream or kEventStream response; true when the connection may serve another
// request afterwards.
template <typename Stream>
asio::awaitable<bool> WriteStreamed(Stream* stream, Response response, unsigned version,
                                    bool keep_alive, bool head_only, StatePtr state) {
  beast::tcp_stream& tcp_layer = beast::get_lowest_layer(*stream);
  const BodyFraming framing = version == 10 ? BodyFraming::kUntilClose : BodyFraming::kChunked;
  keep_alive = keep_alive && framing == BodyFraming::kChunked;
  const std::string head = SerializeHead(response, version, keep_alive, framing);
  beast::error_code ec;
  if (head_only) {
    response.body_source->Cancel();
    tcp_layer.expires_after(state->options.read_timeout);
    co_await asio::async_write(*stream, asio::buffer(head),
                               asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && keep_alive;
  }
  auto ex = std::make_shared<StreamExchange>(stream->get_executor(),
                                             response.kind == ResponseKind::kEventStream,
                                             std::move(response.body_source));
  LiveRegistration registration(state, ex.get());
  tcp_layer.expires_after(state->options.read_timeout);
  co_await asio::async_write(*stream, asio::buffer(head),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    registration.End(WriteFailureReason(ec));
    co_return false;
  }
  WatchForHangUp(tcp_layer.socket(), ex);
  const std::string_view reason = co_await PumpBody(stream, ex, framing, state);
  registration.End(reason);
  tcp_layer.socket().cancel(ec);  // the hang-up watch
  co_return reason == "complete" && keep_alive;
}

// --- WebSockets ---
//
// A WebSocket connection is driven by callbacks rather than a coroutine, and its codec is
// http/websocket_frame.h: an idle connection holds its socket, one pending readiness wait
// (plain) or a 1 KiB read buffer (TLS), a timer and its empty mailbox, and nothing else
// (DESIGN.md "Live sync": ten thousand idle sockets per instance).

// Why the server closes, by the parser's close code.
std::string_view ProtocolCloseReason(int code) {
  switch (code) {
    case 1003:
      return "text messages only";
    case 1007:
      return "invalid UTF-8";
    case 1009:
      return "message too big";
    default:
      return "protocol error";
  }
}

// The transport's side of one WebSocket. `Transport` is a tcp::socket (plain) or a
// TlsStream. Send and Close may be called from any thread (they fill the mailbox under
// `mu` and post a pump); everything else runs on the connection's executor.
template <typename Transport>
class WebSocketConnection final : public LiveExchange, public WebSocketPeer {
 public:
  WebSocketConnection(Transport transport, std::shared_ptr<WebSocketHandler> handler,
                      StatePtr state)
      : LiveExchange(transport.get_executor(), "websocket"),
        transport_(std::move(transport)),
        state_(state),
        handler_(std::move(handler)),
        parser_(state->options.websocket_max_message) {}
  ~WebSocketConnection() override { registration_.reset(); }

  // Executor: writes `reply` (the 101 answer, or a refusal when !accepted) and then runs
  // the connection; `early` holds bytes the client sent after its upgrade request.
  void Start(std::string reply, bool accepted, std::string early) {
    registration_.emplace(state_, this);
    accepted_ = accepted;
    early_ = std::move(early);
    if constexpr (!kIsTls<Transport>) {
      beast::error_code ec;
      transport_.non_blocking(true, ec);
    }
    Write(kHandshake, std::move(reply));
  }

  bool Send(std::string text) override {
    std::lock_guard lock(mu);
    if (detached || close_) return false;
    if (queue_.size() >= state_->options.websocket_max_queued_messages ||
        queued_bytes_ + text.size() > state_->options.websocket_max_queued_bytes) {
      queue_.clear();
      queued_bytes_ = 0;
      close_ = CloseRequest{1013, "send queue full", true, "overflow"};
      PostPumpLocked();
      return false;
    }
    queued_bytes_ += text.size();
    queue_.push_back(std::move(text));
    PostPumpLocked();
    return true;
  }

  void Close(int code, std::string reason) override {
    std::lock_guard lock(mu);
    if (detached || close_) return;
    close_ = CloseRequest{code, std::move(reason), false, "complete"};
    PostPumpLocked();
  }

  void GoAway() override {
    {
      std::lock_guard lock(mu);
      if (!close_ || !close_->now) {
        close_ = CloseRequest{1001, "server shutting down", true, "shutdown"};
      }
    }
    Pump();
  }

 private:
  struct CloseRequest {
    int code;
    std::string reason;
    bool now;  // before the queued messages (overflow, shutdown, protocol errors)
    std::string_view end_reason;
  };
  enum WriteKind { kHandshake, kMessage, kControl, kCloseFrame };

  void OnRelease() override {
    // Drops the handler, which may hold this peer.
    std::shared_ptr<WebSocketHandler> handler = std::move(handler_);
    if (handler) handler->OnClose();
  }

  std::shared_ptr<WebSocketConnection> self() {
    return std::static_pointer_cast<WebSocketConnection>(shared_from_this());
  }

  // Requires mu.
  void PostPumpLocked() {
    if (detached || pump_posted_) return;
    pump_posted_ = true;
    asio::post(timer.get_executor(), [self = self()] { self->Pump(); });
  }

  // Executor: starts the next write, if none is running: a pong, an urgent close, a
  // queued message, a requested close, then a keep-alive ping.
  void Pump() {
    std::optional<CloseRequest> close;
    std::optional<std::string> message;
    {
      std::lock_guard lock(mu);
      pump_posted_ = false;
      if (ended_ || writing_ || close_written_ || !opened_) return;
      if (pong_) {
        // below, without the lock
      } else if (close_ && (close_->now || queue_.empty())) {
        close = close_;
      } else if (!queue_.empty()) {
        queued_bytes_ -= queue_.front().size();
        message = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (pong_) {
      Write(kControl, EncodeWebSocketFrame(0xA, *pong_));
      pong_.reset();
    } else if (close) {
      close_end_reason_ = close->end_reason;
      Write(kCloseFrame, EncodeWebSocketClose(close->code, close->reason));
    } else if (message) {
      written_bytes_ = message->size();
      Write(kMessage, EncodeWebSocketFrame(0x1, *message));
    } else if (ping_due_) {
      ping_due_ = false;
      Write(kControl, EncodeWebSocketFrame(0x9, {}));
    }
  }

  // Executor.
  void Write(WriteKind kind, std::string bytes) {
    writing_ = true;
    write_kind_ = kind;
    write_started_ = Clock::now();
    write_buffer_ = std::move(bytes);
    asio::async_write(transport_, asio::buffer(write_buffer_),
                      [self = self()](beast::error_code ec, std::size_t) { self->Written(ec); });
    ArmTimer();
  }

  void Written(beast::error_code ec) {
    writing_ = false;
    write_buffer_ = std::string();
    if (ended_) return;
    if (ec) return End(write_timed_out_ ? "write_timeout" : "client_gone");
    switch (write_kind_) {
      case kHandshake:
        if (!accepted_) return End("error");
        return Opened();
      case kMessage:
        if (state_->metrics) {
          state_->metrics->CountWebSocketMessage("out");
          state_->metrics->CountStreamedBytes(kind, written_bytes_);
        }
        Guarded([&] { handler_->OnSent(); });
        break;
      case kControl:
        break;
      case kCloseFrame:
        close_written_ = true;
        close_written_at_ = Clock::now();
        if (close_received_) return End(close_end_reason_);
        break;
    }
    Pump();
    ArmTimer();
  }

  // Executor: the 101 answer was written.
  void Opened() {
    {
      std::lock_guard lock(mu);
      opened_ = true;
    }
    last_read_ = Clock::now();
    Guarded([&] { handler_->OnOpen(self()); });
    if (!early_.empty()) {
      const std::string early = std::move(early_);
      early_ = std::string();
      Consume(early);
    }
    if (ended_) return;
    Read();
    Pump();
    ArmTimer();
  }

  // Executor: calls into the handler; a handler that throws closes the connection.
  template <typename F>
  void Guarded(F&& f) {
    if (!handler_) return;
    try {
      f();
    } catch (const std::exception& e) {
      log::Error("websocket handler threw", {{"error", e.what()}});
      Close(1011, "internal error");
    }
  }

  // Executor: waits for the next bytes. A plain socket waits for readiness without a
  // buffer; TLS needs one for its records.
  void Read() {
    if constexpr (kIsTls<Transport>) {
      if (!tls_buffer_) tls_buffer_ = std::make_unique<std::array<char, 1024>>();
      transport_.async_read_some(
          asio::buffer(*tls_buffer_), [self = self()](beast::error_code ec, std::size_t n) {
            if (self->ended_) return;
            if (ec) {
              return self->End(self->close_written_ ? self->close_end_reason_ : "client_gone");
            }
            self->Consume({self->tls_buffer_->data(), n});
            if (!self->ended_) self->Read();
          });
    } else {
      transport_.async_wait(tcp::socket::wait_read, [self = self()](beast::error_code ec) {
        if (self->ended_) return;
        if (ec) return self->End("client_gone");
        self->ReadAvailable();
      });
    }
  }

  // Executor, plain sockets: reads what is there (a bounded number of times, so that one
  // busy peer does not hold the thread), then waits again.
  void ReadAvailable() {
    std::array<char, 4096> chunk;
    for (int round = 0; round < 16 && !ended_; ++round) {
      beast::error_code ec;
      const std::size_t n = transport_.read_some(asio::buffer(chunk), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) break;
      if (ec) return End(close_written_ ? close_end_reason_ : "client_gone");
      Consume({chunk.data(), n});
    }
    if (!ended_) Read();
  }

  // Executor: hands what the peer said to the parser and acts on each event.
  void Consume(std::string_view bytes) {
    last_read_ = Clock::now();
    ping_outstanding_ = false;
    std::vector<WebSocketEvent> events;
    const int violation = parser_.Feed(bytes, events);
    for (auto& event : events) {
      if (ended_) return;
      OnEvent(event);
    }
    if (violation != 0 && !ended_) Fail(violation);
  }

  void OnEvent(WebSocketEvent& event) {
    switch (event.kind) {
      case WebSocketEvent::Kind::kText: {
        {
          std::lock_guard lock(mu);
          if (close_) return;  // closing: what the peer says now is not read
        }
        if (state_->metrics) state_->metrics->CountWebSocketMessage("in");
        Guarded([&] { handler_->OnMessage(std::move(event.payload)); });
        return;
      }
      case WebSocketEvent::Kind::kPing:
        pong_ = std::move(event.payload);
        return Pump();
      case WebSocketEvent::Kind::kPong:
        return;
      case WebSocketEvent::Kind::kClose:
        close_received_ = true;
        if (close_written_) return End(close_end_reason_);
        {
          std::lock_guard lock(mu);
          const int code = event.code == 1005 ? 1000 : event.code;
          if (!close_ || !close_->now) close_ = CloseRequest{code, {}, true, "complete"};
        }
        return Pump();
    }
  }

  // Executor: the peer broke the protocol; the close frame goes out before anything queued.
  void Fail(int code) {
    {
      std::lock_guard lock(mu);
      queue_.clear();
      queued_bytes_ = 0;
      close_ = CloseRequest{code, std::string(ProtocolCloseReason(code)), true, "error"};
    }
    Pump();
  }

  // Executor: the deadline that matters now: the write running or the peer's close
  // frame. An idle connection has none and holds no timer wait (Tick watches it).
  std::optional<Clock::time_point> Deadline() const {
    if (ended_) return std::nullopt;
    if (writing_) return write_started_ + state_->options.read_timeout;
    if (close_written_) return close_written_at_ + CloseWait();
    return std::nullopt;
  }
  std::chrono::milliseconds CloseWait() const {
    return std::min<std::chrono::milliseconds>(state_->options.read_timeout,
                                               std::chrono::seconds(5));
  }

  // Executor: arms the timer for Deadline(), or cancels it when there is none.
  void ArmTimer() {
    const auto deadline = Deadline();
    if (!deadline) {
      if (timer_armed_) {
        timer_armed_ = false;
        ++timer_generation_;
        timer.cancel();
      }
      return;
    }
    if (timer_armed_ && armed_for_ == *deadline) return;
    timer_armed_ = true;
    armed_for_ = *deadline;
    timer.expires_at(*deadline);
    timer.async_wait([self = self(), generation = ++timer_generation_](beast::error_code ec) {
      if (ec || generation != self->timer_generation_) return;
      self->timer_armed_ = false;
      self->OnDeadline();
    });
  }

  void OnDeadline() {
    if (ended_) return;
    const auto now = Clock::now();
    if (writing_ && now >= write_started_ + state_->options.read_timeout) {
      write_timed_out_ = true;
      return End("write_timeout");
    }
    if (!writing_ && close_written_ && now >= close_written_at_ + CloseWait()) {
      return End(close_end_reason_);
    }
    ArmTimer();
  }

  // Executor: a peer silent for half of websocket_idle_timeout is pinged; one silent for
  // all of it is dropped (any bytes from it count, a pong included).
  void Tick() override {
    if (ended_ || !opened_ || close_written_) return;
    const auto idle = Clock::now() - last_read_;
    if (idle >= state_->options.websocket_idle_timeout) return End("client_gone");
    if (idle >= state_->options.websocket_idle_timeout / 2 && !ping_outstanding_) {
      ping_outstanding_ = true;
      ping_due_ = true;
      Pump();
    }
  }

  // Executor: the connection is over; the socket closes and the handler learns it.
  void End(std::string_view reason) {
    if (ended_) return;
    ended_ = true;
    {
      std::lock_guard lock(mu);
      queue_.clear();
    }
    registration_->End(reason);
    beast::error_code ec;
    timer.cancel();
    auto& socket = beast::get_lowest_layer(transport_);
    if constexpr (kIsTls<Transport>) {
      socket.socket().shutdown(tcp::socket::shutdown_both, ec);
      socket.close();
    } else {
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }
    registration_.reset();
    tls_buffer_.reset();
    state_->RequestDone();
  }

  Transport transport_;  // executor
  const StatePtr state_;
  std::shared_ptr<WebSocketHandler> handler_;  // executor, until released
  // Executor.
  WebSocketFrameParser parser_;
  std::optional<LiveRegistration> registration_;
  std::string write_buffer_;
  std::string early_;
  std::unique_ptr<std::array<char, 1024>> tls_buffer_;
  std::optional<std::string> pong_;
  Clock::time_point last_read_{}, write_started_{}, close_written_at_{}, armed_for_{};
  std::size_t written_bytes_ = 0;
  std::uint32_t timer_generation_ = 0;
  std::string_view close_end_reason_ = "complete";
  WriteKind write_kind_ = kHandshake;
  bool accepted_ = false, writing_ = false, ended_ = false, close_written_ = false;
  bool close_received_ = false, write_timed_out_ = false, timer_armed_ = false;
  bool ping_due_ = false, ping_outstanding_ = false;
  // Guarded by mu.
  std::list<std::string> queue_;  // a list: an idle connection's empty queue holds no memory
  std::size_t queued_bytes_ = 0;
  std::optional<CloseRequest> close_;
  bool pump_posted_ = false;
  bool opened_ = false;  // also read on the executor without mu after it is set there
};

// The opening handshake's answer to `request` (a WebSocket upgrade): 101 with the route's
// headers (its subprotocol), or a refusal (false) for a bad key or another version.
std::pair<std::string, bool> HandshakeReply(const BeastRequest& request, const Response& route) {
  if (request[bhttp::field::sec_websocket_version] != "13") {
    Response r = ErrorResponse(InvalidArgumentError("WebSocket version 13 is required"));
    r.status = 426;
    r.headers.Set("Sec-WebSocket-Version", "13");
    return {SerializeResponse(r, request.version(), false), false};
  }
  const auto accept = WebSocketAcceptKey(request[bhttp::field::sec_websocket_key]);
  if (!accept) {
    const Response r = ErrorResponse(InvalidArgumentError("bad Sec-WebSocket-Key"));
    return {SerializeResponse(r, request.version(), false), false};
  }
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      *accept + "\r\n";
  for (const auto& [name, value] : route.headers.fields()) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
        EqualsIgnoreCase(name, "Upgrade") || EqualsIgnoreCase(name, "Content-Type") ||
        EqualsIgnoreCase(name, "Server")) {
      continue;
    }
    out += name + ": " + value + "\r\n";
  }
  out += "Server: howlerops\r\n\r\n";
  return {std::move(out), true};
}

// Hands an upgraded connection to a WebSocketConnection; the request it came with counts
// as in flight (shutdown waits for it) until the WebSocket ends. `early`: bytes read past
// the request.
template <typename Stream>
void StartWebSocket(Stream stream, const BeastRequest& request, Response response,
                    std::string early, StatePtr state) {
  auto [reply, accepted] = HandshakeReply(request, response);
  if constexpr (kIsTls<Stream>) {
    beast::get_lowest_layer(stream).expires_never();
    auto connection = std::make_shared<WebSocketConnection<Stream>>(
        std::move(stream), std::move(response.websocket), state);
    connection->Start(std::move(reply), accepted, std::move(early));
  } else {
    auto connection = std::make_shared<WebSocketConnection<tcp::socket>>(
        stream.release_socket(), std::move(response.websocket), state);
    connection->Start(std::move(reply), accepted, std::move(early));
  }
}

// Every quarter of websocket_idle_timeout, has each live exchange check its peer
// (LiveExchange::Tick): one timer for the server instead of one per idle WebSocket.
// Runs on contexts[0] until the server stops.
asio::awaitable<void> SweepLiveExchanges(StatePtr state) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto period = std::max<std::chrono::milliseconds>(state->options.websocket_idle_timeout / 4,
                                                          std::chrono::milliseconds(10));
  for (;;) {
    beast::error_code ec;
    timer.expires_after(period);
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    for (auto& exchange : state->LiveExchanges()) {
      asio::post(exchange->timer.get_executor(), [exchange] { exchange->Tick(); });
    }
  }
}

// --- connections ---

bool HasWhatItsKindNeeds(const Response& r) {
  switch (r.kind) {
    case ResponseKind::kFixed:
      return true;
    case ResponseKind::kStream:
    case ResponseKind::kEventStream:
      return r.body_source != nullptr;
    case ResponseKind::kWebSocket:
      return r.websocket != nullptr;
  }
  return false;
}

// A 426 for a WebSocket route whose request cannot be upgraded.
std::string NotAnUpgradeResponse(unsigned version) {
  Response r = ErrorResponse(InvalidArgumentError("this endpoint takes a WebSocket upgrade"));
  r.status = 426;
  r.headers.Set("Upgrade", "websocket");
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("Cache-Control", "no-store");
  return SerializeResponse(r, version, false);
}

// Writes a streamed body or event stream, or a 426 for a WebSocket response to a request
// that is no upgrade; true when the connection may serve another request.
template <typename Stream>
asio::awaitable<bool> WriteLongLived(Stream* stream, Response response, unsigned version,
                                     bool keep_alive, bool head_only, StatePtr state) {
  if (response.kind != ResponseKind::kWebSocket) {
    co_return co_await WriteStreamed(stream, std::move(response), version, keep_alive, head_only,
                                     state);
  }
  response.websocket->OnClose();
  const std::string reply = NotAnUpgradeResponse(version);
  beast::error_code ec;
  beast::get_lowest_layer(*stream).expires_after(state->options.read_timeout);
  co_await asio::async_write(*stream, asio::buffer(reply),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return false;
}

// Ends a connection: TLS first says close_notify (bounded, for a peer that never answers
// it), then the socket closes.
template <typename Stream>
asio::awaitable<void> CloseConnection(Stream& stream, StatePtr state) {
  beast::error_code ec;
  if constexpr (kIsTls<Stream>) {
    beast::get_lowest_layer(stream).expires_after(
        std::min<std::chrono::milliseconds>(state->options.read_timeout, std::chrono::seconds(5)));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }
  tcp::socket& socket = beast::get_lowest_layer(stream).socket();
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

// What a keep-alive connection's read buffer may keep between requests.
constexpr std::size_t kIdleReadBuffer = 16 * 1024;
// The most a body read asks the socket for at once.
constexpr std::size_t kBodyReadChunk = 64 * 1024;

// Beast reads at most the buffer's free capacity per call (512 bytes at least), so a body
// read into the header's small buffer takes a system call (and a timer update) per
// kilobyte. A body of known length gets room for up to kBodyReadChunk first; the buffer
// is shrunk again after the request (kIdleReadBuffer).
void ReserveForBody(beast::flat_buffer& buffer,
                    const bhttp::request_parser<bhttp::string_body>& parser) {
  const auto length = parser.content_length();  // boost::optional
  if (!length || *length == 0) return;
  const std::size_t room =
      static_cast<std::size_t>(std::min<std::uint64_t>(*length, kBodyReadChunk));
  if (buffer.size() + room <= buffer.max_size()) buffer.reserve(buffer.size() + room);
}

// Serves requests on one connection, plain or TLS, until it ends.
template <typename Stream>
asio::awaitable<void> ServeRequests(Stream stream, std::string peer_ip, StatePtr state) {
  beast::error_code ec;
  beast::tcp_stream& tcp_layer = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer(state->options.max_header_bytes + 64 * 1024);
  auto token = asio::redirect_error(asio::use_awaitable, ec);

  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(state->options.max_header_bytes));
    parser.body_limit(state->options.max_body_bytes);

    tcp_layer.expires_after(state->options.idle_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser, token);
    if (ec) {
      if (!IsQuietDisconnect(ec) && ec != ssl::error::stream_truncated) {
        const std::string reply = ParseFailureResponse(ec);
        co_await asio::async_write(stream, asio::buffer(reply), token);
      }
      break;
    }
    if (HasUnacceptedFraming(parser)) {
      const std::string reply = ParseFailureResponse(bhttp::error::bad_transfer_encoding);
      co_await asio::async_write(stream, asio::buffer(reply), token);
      break;
    }
    // From here the request is in flight: shutdown waits for it, body included.
    state->active.fetch_add(1);
    ReserveForBody(buffer, parser);
    tcp_layer.expires_after(state->options.read_timeout);
    co_await bhttp::async_read(stream, buffer, parser, token);
    if (ec) {
      if (!IsQuietDisconnect(ec) && ec != ssl::error::stream_truncated) {
        const std::string reply = ParseFailureResponse(ec);
        co_await asio::async_write(stream, asio::buffer(reply), token);
      }
      state->RequestDone();
      break;
    }

    BeastRequest beast_request = parser.release();
    const bool client_keep_alive = beast_request.keep_alive();
    const unsigned version = beast_request.version();
    const bool head_only = beast_request.method() == bhttp::verb::head;
    auto pending = std::make_shared<PendingResponse>();
    state->pipeline.Handle(FromBeastRequest(beast_request, peer_ip),
                           [pending](Response r) { pending->Complete(std::move(r)); });
    std::optional<Response> ready;
    {
      std::lock_guard lock(pending->mu);
      if (pending->response) ready = std::move(pending->response);
    }
    Response response =
        ready ? std::move(*ready) : co_await AsyncWait(pending, asio::use_awaitable);
    if (!HasWhatItsKindNeeds(response)) {
      response = ErrorResponse(InternalError("a handler returned a response without its body"));
    }
    if (kIsTls<Stream> && state->options.hsts) {
      response.headers.Set("Strict-Transport-Security", "max-age=31536000");
    }
    bool keep_alive = client_keep_alive && !response.close && !state->draining.load();
    if (response.kind == ResponseKind::kFixed) {  // the fast path: one write
      tcp_layer.expires_after(state->options.read_timeout);
      const std::string wire =
          head_only ? SerializeHead(response, version, keep_alive, BodyFraming::kLength)
                    : SerializeResponse(response, version, keep_alive);
      co_await asio::async_write(stream, asio::buffer(wire), token);
    } else if (response.kind == ResponseKind::kWebSocket && websocket::is_upgrade(beast_request)) {
      // The connection is a WebSocket from here on, driven by callbacks: this coroutine,
      // its parser and read buffer end here (long-lived idle sockets are many).
      std::string early = beast::buffers_to_string(buffer.data());
      StartWebSocket(std::move(stream), beast_request, std::move(response), std::move(early),
                     state);
      co_return;  // the stream was handed over
    } else {
      keep_alive = co_await WriteLongLived(&stream, std::move(response), version, keep_alive,
                                           head_only, state);
    }
    state->RequestDone();
    if (ec || !keep_alive) break;
    if (buffer.size() == 0 && buffer.capacity() > kIdleReadBuffer) buffer.shrink_to_fit();
  }
  co_await CloseConnection(stream, state);
}

// A plain connection, or a TLS one after its handshake (within read_timeout) with the
// context current at accept time, which the connection keeps for its whole life.
asio::awaitable<void> ServeConnection(tcp::socket socket, StatePtr state) {
  beast::error_code ec;
  std::string peer_ip = socket.remote_endpoint(ec).address().to_string();
  beast::tcp_stream tcp_layer(std::move(socket));
  std::shared_ptr<ssl::context> context = state->CurrentTlsContext();
  if (!context) {
    co_await ServeRequests(std::move(tcp_layer), std::move(peer_ip), state);
    co_return;
  }
  TlsStream stream(std::move(tcp_layer), *context);
  beast::get_lowest_layer(stream).expires_after(state->options.read_timeout);
  co_await stream.async_handshake(ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {  // scanners, plain-text clients, untrusting clients: nothing to answer
    beast::get_lowest_layer(stream).socket().close(ec);
    co_return;
  }
  co_await ServeRequests(std::move(stream), std::move(peer_ip), state);
}

// Accepts until the acceptor closes. After a failed accept (EMFILE, ENFILE, ENOBUFS) it
// waits before the next try, from 10 ms doubling to 1 s while failures go on, so that
// running out of descriptors does not turn the loop into a busy spin.
asio::awaitable<void> AcceptLoop(StatePtr state) {
  constexpr auto kFirstBackoff = std::chrono::milliseconds(10);
  constexpr auto kMaxBackoff = std::chrono::seconds(1);
  std::chrono::milliseconds backoff = kFirstBackoff;
  asio::steady_timer pause(*state->contexts[0]);
  for (;;) {
    beast::error_code ec;
    auto& context = *state->contexts[state->next_context++ % state->contexts.size()];
    tcp::socket socket = co_await state->acceptor->async_accept(
        context, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !state->acceptor->is_open()) co_return;
      log::Warn("accept failed; backing off",
                {{"error", ec.message()}, {"backoff_ms", static_cast<int>(backoff.count())}});
      pause.expires_after(backoff);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
      continue;
    }
    backoff = kFirstBackoff;
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, ServeConnection(std::move(socket), state), asio::detached);
  }
}

// A server context for `pair`: TLS 1.2 or later, no renegotiation.
Result<std::shared_ptr<ssl::context>> MakeTlsContext(const TlsKeyPair& pair) {
  try {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION);
    context->use_certificate_chain(asio::buffer(pair.certificate_chain_pem));
    context->use_private_key(asio::buffer(pair.private_key_pem), ssl::context::pem);
    return context;
  } catch (const boost::system::system_error& e) {
    return InvalidArgumentError(std::string("TLS certificate or key refused: ") + e.what());
  }
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, const Pipeline& pipeline, metrics::Metrics* metrics)
    : state_(std::make_unique<State>(std::move(options), pipeline, metrics)) {}

HttpServer::~HttpServer() {
  Stop();
}

Status HttpServer::Start() {
  State& s = *state_;
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
  if (s.options.tls) {
    HOWLER_ASSIGN_OR_RETURN(s.tls, MakeTlsContext(*s.options.tls));
  }
  try {
    const auto address = asio::ip::make_address(s.options.host);
    tcp::endpoint endpoint(address, s.options.port);
    const int threads = std::max(1, s.options.threads);
    for (int i = 0; i < threads; ++i) {
      s.contexts.push_back(std::make_unique<asio::io_context>(1));
    }
    s.acceptor.emplace(*s.contexts[0]);
    s.acceptor->open(endpoint.protocol());
    s.acceptor->set_option(asio::socket_base::reuse_address(true));
    s.acceptor->bind(endpoint);
    s.acceptor->listen(asio::socket_base::max_listen_connections);
    s.port = s.acceptor->local_endpoint().port();
  } catch (const std::exception& e) {
    s.acceptor.reset();
    return UnavailableError("cannot listen on " + where + " (" + s.options.name + "): " + e.what());
  }
  for (auto& context : s.contexts) s.work.push_back(asio::make_work_guard(*context));
  asio::co_spawn(*s.contexts[0], AcceptLoop(state_.get()), asio::detached);
  asio::co_spawn(*s.contexts[0], SweepLiveExchanges(state_.get()), asio::detached);
  for (auto& context : s.contexts) {
    s.threads.emplace_back([ctx = context.get()] { ctx->run(); });
  }
  log::Info("listening", {{"listener", s.options.name},
                          {"address", s.options.host},
                          {"port", static_cast<int>(s.port)},
                          {"tls", s.tls != nullptr}});
  return Status::Ok();
}

Status HttpServer::ReloadTls(const TlsKeyPair& pair) {
  State& s = *state_;
  if (!s.options.tls) return FailedPreconditionError(s.options.name + " listens in plain text");
  HOWLER_ASSIGN_OR_RETURN(std::shared_ptr<ssl::context> context, MakeTlsContext(pair));
  std::lock_guard lock(s.tls_mu);
  s.tls = std::move(context);
  return Status::Ok();
}

std::uint16_t HttpServer::port() const {
  return state_->port;
}

int HttpServer::active_requests() const {
  return state_->active.load();
}

void HttpServer::BeginShutdown() {
  State& s = *state_;
  s.draining = true;
  if (!s.acceptor) return;
  std::promise<void> closed;
  auto fut = closed.get_future();
  asio::post(*s.contexts[0], [&s, &closed] {
    beast::error_code ec;
    s.acceptor->close(ec);
    closed.set_value();
  });
  for (auto& exchange : s.LiveExchanges()) {
    asio::post(exchange->timer.get_executor(), [exchange] { exchange->GoAway(); });
  }
  if (!s.threads.empty()) fut.wait();
}

bool HttpServer::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(state_->mu);
  return state_->idle_cv.wait_until(lock, deadline, [&] { return state_->active.load() == 0; });
}

void HttpServer::Stop() {
  State& s = *state_;
  {
    std::lock_guard lock(s.mu);
    if (s.stopped) return;
    s.stopped = true;
  }
  s.draining = true;
  s.work.clear();
  for (auto& context : s.contexts) context->stop();
  for (auto& t : s.threads) {
    if (t.joinable()) t.join();
  }
  s.threads.clear();
  // The coroutines of what still streams will never run again: release their sources and
  // handlers here, while everything they use is alive.
  for (auto& exchange : s.LiveExchanges()) {
    exchange->Detach();
    exchange->Release();
  }
}

}  // namespace howler::http
