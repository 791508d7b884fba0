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
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>
#include <cerrno>
#include <condition_variable>
#include <future>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/log.h"
#include "http/body_source.h"
#include "http/pipeline.h"
#include "http/responses.h"
#include "http/websocket.h"
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
using BeastRequest = bhttp::request<bhttp::string_body>;

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

void DecodeTarget(std::string_view target, Request& out) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    out.path = std::string(target.substr(0, target.find('?')));
    return;
  }
  out.path = parsed->path();
  for (auto param : parsed->params()) {
    out.query.emplace(param.key, param.has_value ? param.value : std::string());
  }
}

// Takes the body out of `in`; its start line and fields stay (a WebSocket handshake
// needs them later).
Request ToRequest(BeastRequest& in, const std::string& peer_ip) {
  Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  out.version = in.version();
  DecodeTarget(out.target, out);
  for (const auto& field : in) {
    out.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.peer_ip = peer_ip;
  return out;
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

// Registers a live exchange for its coroutine's lifetime and keeps the open-streams gauge;
// on destruction it counts the end reason (shutdown when the coroutine was cut off by
// Stop()), detaches the exchange and releases the application's side.
class LiveRegistration {
 public:
  LiveRegistration(StatePtr state, std::shared_ptr<LiveExchange> exchange)
      : state_(state), exchange_(std::move(exchange)) {
    {
      std::lock_guard lock(state_->live_mu);
      state_->live.emplace(exchange_.get(), exchange_);
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
    state_->live.erase(exchange_.get());
  }
  LiveRegistration(const LiveRegistration&) = delete;
  LiveRegistration& operator=(const LiveRegistration&) = delete;

  void End(std::string_view reason) {
    if (reason_.empty()) reason_ = reason;
  }

 private:
  StatePtr state_;
  std::shared_ptr<LiveExchange> exchange_;
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
  LiveRegistration registration(state, ex);
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

template <typename Stream>
using WsStream = websocket::stream<Stream>;

// The transport's side of one WebSocket: the bounded outgoing queue that other threads
// fill (Send), close requests, and what the writer coroutine takes from them.
class WebSocketSession final : public LiveExchange, public WebSocketPeer {
 public:
  struct CloseRequest {
    int code;
    std::string reason;
    bool now;  // before the queued messages (overflow, shutdown)
    std::string_view end_reason;
  };
  // What the writer does next.
  struct Next {
    std::optional<std::string> message;
    std::optional<CloseRequest> close;
    bool done = false;  // the reader ended: the connection is over
  };

  WebSocketSession(const asio::any_io_executor& executor, std::shared_ptr<WebSocketHandler> handler,
                   const ServerOptions& options)
      : LiveExchange(executor, "websocket"),
        handler_(std::move(handler)),
        max_messages_(options.websocket_max_queued_messages),
        max_bytes_(options.websocket_max_queued_bytes) {}

  bool Send(std::string text) override {
    std::lock_guard lock(mu);
    if (detached || close_) return false;
    if (queue_.size() >= max_messages_ || queued_bytes_ + text.size() > max_bytes_) {
      queue_.clear();
      queued_bytes_ = 0;
      close_ = CloseRequest{1013, "send queue full", true, "overflow"};
      WakeLocked();
      return false;
    }
    queued_bytes_ += text.size();
    queue_.push_back(std::move(text));
    WakeLocked();
    return true;
  }
  void Close(int code, std::string reason) override {
    std::lock_guard lock(mu);
    if (detached || close_) return;
    close_ = CloseRequest{code, std::move(reason), false, "complete"};
    WakeLocked();
  }
  void GoAway() override {
    {
      std::lock_guard lock(mu);
      if (!close_ || !close_->now)
        close_ = CloseRequest{1001, "server shutting down", true, "shutdown"};
    }
    timer.cancel();
  }
  // Executor, writer.
  Next TakeOrWait() {
    std::lock_guard lock(mu);
    Next next;
    if (reader_done_ || close_sent_) {
      next.done = true;
    } else if (close_ && close_->now) {
      close_sent_ = true;
      next.close = close_;
    } else if (!queue_.empty()) {
      queued_bytes_ -= queue_.front().size();
      next.message = std::move(queue_.front());
      queue_.pop_front();
    } else if (close_) {
      close_sent_ = true;
      next.close = close_;
    } else {
      waiting = true;
    }
    return next;
  }
  // Executor, reader: the connection ended (closed by either side, or failed).
  void ReaderDone() {
    {
      std::lock_guard lock(mu);
      reader_done_ = true;
    }
    timer.cancel();
  }
  // Executor, reader.
  bool closing() {
    std::lock_guard lock(mu);
    return close_.has_value();
  }
  void Open() { handler_->OnOpen(std::static_pointer_cast<WebSocketSession>(shared_from_this())); }
  void Dispatch(std::string text) { handler_->OnMessage(std::move(text)); }
  // Executor, writer: a message was written.
  void Sent() {
    if (handler_) handler_->OnSent();
  }

  // Executor, writer: closes the connection when the write about to start takes longer
  // than `timeout` (a peer that stopped reading). `tcp_layer` outlives every armed write.
  void ArmWriteDeadline(beast::tcp_stream* tcp_layer, std::chrono::milliseconds timeout) {
    write_armed_ = true;
    write_deadline_.expires_after(timeout);
    auto self = std::static_pointer_cast<WebSocketSession>(shared_from_this());
    write_deadline_.async_wait([self, tcp_layer](beast::error_code ec) {
      if (ec || !self->write_armed_) return;
      self->write_timed_out_ = true;
      tcp_layer->close();
    });
  }
  void DisarmWriteDeadline() {
    write_armed_ = false;
    write_deadline_.cancel();
  }
  bool write_timed_out() const { return write_timed_out_; }

 private:
  void OnRelease() override {
    // Drops the handler, which may hold this peer.
    std::shared_ptr<WebSocketHandler> handler = std::move(handler_);
    handler->OnClose();
  }

  std::shared_ptr<WebSocketHandler> handler_;                // executor, until released
  asio::steady_timer write_deadline_{timer.get_executor()};  // executor
  bool write_armed_ = false;                                 // executor
  bool write_timed_out_ = false;                             // executor
  const std::size_t max_messages_, max_bytes_;
  // Guarded by mu.
  std::list<std::string> queue_;  // a list: an idle connection's empty queue holds no memory
  std::size_t queued_bytes_ = 0;
  std::optional<CloseRequest> close_;
  bool close_sent_ = false;
  bool reader_done_ = false;
};

// Why the reader ended: the closing handshake completed, the peer broke a limit (too
// large, not UTF-8), or it vanished or stopped answering pings.
std::string_view WebSocketEndReason(beast::error_code ec) {
  if (ec == websocket::error::closed) return "complete";
  if (ec == websocket::error::message_too_big || ec == websocket::error::bad_frame_payload) {
    return "error";
  }
  return "client_gone";
}

websocket::close_reason CloseReason(const WebSocketSession::CloseRequest& request) {
  websocket::close_reason out(static_cast<std::uint16_t>(request.code));
  const std::string_view text = request.reason;
  out.reason.assign(text.data(), std::min(text.size(), out.reason.max_size()));
  return out;
}

// Reads messages and hands each to the handler until the connection ends.
template <typename Stream>
asio::awaitable<void> ReadMessages(WsStream<Stream>* ws, std::shared_ptr<WebSocketSession> session,
                                   LiveRegistration* registration, StatePtr state) {
  beast::flat_buffer buffer;
  for (;;) {
    beast::error_code ec;
    co_await ws->async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      registration->End(WebSocketEndReason(ec));
      session->ReaderDone();
      co_return;
    }
    if (!ws->got_text()) {
      session->Close(1003, "text messages only");
    } else if (!session->closing()) {
      if (state->metrics) state->metrics->CountWebSocketMessage("in");
      try {
        session->Dispatch(beast::buffers_to_string(buffer.data()));
      } catch (const std::exception& e) {
        log::Error("websocket handler threw", {{"error", e.what()}});
        session->Close(1011, "internal error");
      }
    }
    buffer.consume(buffer.size());
  }
}

// Writes queued messages and the close frame; ends when the reader has ended. A failed
// write closes the socket, which ends the reader.
template <typename Stream>
asio::awaitable<void> WriteMessages(WsStream<Stream>* ws, std::shared_ptr<WebSocketSession> session,
                                    LiveRegistration* registration, StatePtr state) {
  for (;;) {
    WebSocketSession::Next next = session->TakeOrWait();
    if (next.done) co_return;
    if (!next.message && !next.close) {
      co_await Sleep(session.get(), Clock::time_point::max());
      continue;
    }
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    session->ArmWriteDeadline(&beast::get_lowest_layer(*ws), state->options.read_timeout);
    if (next.message) {
      co_await ws->async_write(asio::buffer(*next.message), token);
      if (state->metrics && !ec) {
        state->metrics->CountWebSocketMessage("out");
        state->metrics->CountStreamedBytes(session->kind, next.message->size());
      }
      if (!ec) session->Sent();
    } else {
      registration->End(next.close->end_reason);
      co_await ws->async_close(CloseReason(*next.close), token);
    }
    session->DisarmWriteDeadline();
    if (ec) {
      registration->End(session->write_timed_out() ? "write_timeout" : "client_gone");
      beast::get_lowest_layer(*ws).close();
      co_return;
    }
  }
}

template <typename Stream>
void ConfigureWebSocket(WsStream<Stream>& ws, const Response& response, StatePtr state) {
  beast::get_lowest_layer(ws).expires_never();  // the websocket stream keeps its own timers
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = state->options.read_timeout;
  ws.set_option(timeouts);
  ws.read_message_max(state->options.websocket_max_message);
  ws.set_option(websocket::stream_base::decorator(
      [headers = response.headers](websocket::response_type& res) {
        for (const auto& [name, value] : headers.fields()) {
          if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
              EqualsIgnoreCase(name, "Upgrade") || EqualsIgnoreCase(name, "Content-Type")) {
            continue;
          }
          res.set(name, value);
        }
        res.set(bhttp::field::server, "howlerops");
      }));
}

// Completes the handshake of `request` and runs the connection until it ends.
template <typename Stream>
asio::awaitable<void> RunWebSocket(Stream stream, BeastRequest request, Response response,
                                   StatePtr state) {
  using namespace asio::experimental::awaitable_operators;
  WsStream<Stream> ws(std::move(stream));
  ConfigureWebSocket(ws, response, state);
  auto session = std::make_shared<WebSocketSession>(ws.get_executor(),
                                                    std::move(response.websocket), state->options);
  LiveRegistration registration(state, session);
  beast::error_code ec;
  co_await ws.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    registration.End("error");
    co_return;
  }
  // What only the handshake needed is freed: the request, the answer's headers and the
  // decorator's copy of them (a live socket may stay idle for hours).
  request = BeastRequest();
  response = Response();
  ws.set_option(websocket::stream_base::decorator([](websocket::response_type&) {}));
  ws.text(true);
  try {
    session->Open();
  } catch (const std::exception& e) {
    log::Error("websocket handler threw", {{"error", e.what()}});
    session->Close(1011, "internal error");
  }
  co_await (ReadMessages(&ws, session, &registration, state) &&
            WriteMessages(&ws, session, &registration, state));
}

// Runs an upgraded connection; the request it came with counts as in flight (shutdown
// waits for it) until the WebSocket ends.
template <typename Stream>
asio::awaitable<void> ServeWebSocket(Stream stream, BeastRequest request, Response response,
                                     StatePtr state) {
  co_await RunWebSocket(std::move(stream), std::move(request), std::move(response), state);
  state->RequestDone();
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
    state->pipeline.Handle(ToRequest(beast_request, peer_ip),
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
      // The connection is a WebSocket from here on: the HTTP read buffer is not needed
      // while it lives (long-lived idle sockets are many; DESIGN.md "Live sync").
      buffer.clear();
      buffer.shrink_to_fit();
      // A coroutine of its own, so that this one (its parser and frame) ends here.
      const auto executor = stream.get_executor();
      asio::co_spawn(
          executor,
          ServeWebSocket(std::move(stream), std::move(beast_request), std::move(response), state),
          asio::detached);
      co_return;  // the stream was handed over
    } else {
      keep_alive = co_await WriteLongLived(&stream, std::move(response), version, keep_alive,
                                           head_only, state);
    }
    state->RequestDone();
    if (ec || !keep_alive) break;
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
