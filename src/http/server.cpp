// The only translation unit that includes Beast and Asio (they cost 15-20 s to compile).
// Coroutines are free functions taking their arguments by value (LIBRARIES.md: GCC 12.2
// miscompiles capturing lambda coroutines).
#include "http/server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "common/log.h"
#include "http/pipeline.h"
#include "http/responses.h"
#include "http/wire.h"

namespace howler::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::State {
  State(ServerOptions o, const Pipeline& p) : options(std::move(o)), pipeline(p) {}

  ServerOptions options;
  const Pipeline& pipeline;
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
  std::mutex mu;
  std::condition_variable idle_cv;
  bool stopped = false;

  void RequestDone() {
    if (active.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      idle_cv.notify_all();
    }
  }
};

namespace {

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

Request ToRequest(BeastRequest&& in, const std::string& peer_ip) {
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

asio::awaitable<void> ServeConnection(tcp::socket socket, StatePtr state) {
  beast::error_code ec;
  const std::string peer_ip = socket.remote_endpoint(ec).address().to_string();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer(state->options.max_header_bytes + 64 * 1024);
  auto token = asio::redirect_error(asio::use_awaitable, ec);

  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(state->options.max_header_bytes));
    parser.body_limit(state->options.max_body_bytes);

    stream.expires_after(state->options.idle_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser, token);
    if (ec) {
      if (!IsQuietDisconnect(ec)) {
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
    stream.expires_after(state->options.read_timeout);
    co_await bhttp::async_read(stream, buffer, parser, token);
    if (ec) {
      if (!IsQuietDisconnect(ec)) {
        const std::string reply = ParseFailureResponse(ec);
        co_await asio::async_write(stream, asio::buffer(reply), token);
      }
      state->RequestDone();
      break;
    }

    BeastRequest beast_request = parser.release();
    const bool client_keep_alive = beast_request.keep_alive();
    const unsigned version = beast_request.version();
    auto pending = std::make_shared<PendingResponse>();
    state->pipeline.Handle(ToRequest(std::move(beast_request), peer_ip),
                           [pending](Response r) { pending->Complete(std::move(r)); });
    std::optional<Response> ready;
    {
      std::lock_guard lock(pending->mu);
      if (pending->response) ready = std::move(pending->response);
    }
    Response response =
        ready ? std::move(*ready) : co_await AsyncWait(pending, asio::use_awaitable);
    const bool keep_alive = client_keep_alive && !response.close && !state->draining.load();
    stream.expires_after(state->options.read_timeout);
    const std::string wire = SerializeResponse(response, version, keep_alive);
    co_await asio::async_write(stream, asio::buffer(wire), token);
    state->RequestDone();
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
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

}  // namespace

HttpServer::HttpServer(ServerOptions options, const Pipeline& pipeline)
    : state_(std::make_unique<State>(std::move(options), pipeline)) {}

HttpServer::~HttpServer() {
  Stop();
}

Status HttpServer::Start() {
  State& s = *state_;
  const std::string where = s.options.host + ":" + std::to_string(s.options.port);
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
                          {"port", static_cast<int>(s.port)}});
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
}

}  // namespace howler::http
