// The client messages of live sync (http/live_handlers.h, API.md "Live sync"): the input
// is a sequence of WebSocket text messages (split at '\n') sent to one unauthenticated
// socket of the real route. Whatever they hold, the socket answers only with valid JSON
// messages and ends, if at all, with one of the documented close codes; a valid token in
// an auth message authenticates it.
#include <cstdint>
#include <future>
#include <mutex>
#include <vector>

#include "api/live_identity.h"
#include "common/clock.h"
#include "common/timer_queue.h"
#include "common/worker_pool.h"
#include "fuzz/fuzz_check.h"
#include "http/live_handlers.h"
#include "http/router.h"
#include "http/websocket.h"
#include "sync/json_value.h"
#include "sync/live_notifier.h"

namespace {

using namespace howler;

class RecordingPeer final : public http::WebSocketPeer {
 public:
  bool Send(std::string text) override {
    std::lock_guard lock(mu_);
    FUZZ_CHECK(sync::ParseJson(text).ok());
    return !closed_;
  }
  void Close(int code, std::string reason) override {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    FUZZ_CHECK(code == http::kLiveClosePolicy || code == http::kLiveCloseUnauthenticated ||
               code == http::kLiveCloseTryLater || code == http::kLiveCloseTooMany ||
               code == http::kLiveCloseTokenExpired || code == http::kLiveCloseSessionEnded);
  }

 private:
  std::mutex mu_;
  bool closed_ = false;
};

struct LiveFixture {
  SystemClock clock;
  sync::LiveNotifier notifier{
      sync::LiveOptions{},
      sync::LiveReads{[](std::span<const std::string>) {
                        return Result<std::vector<storage::LiveStateRecord>>(
                            std::vector<storage::LiveStateRecord>{});
                      },
                      [](std::span<const std::string> ids) {
                        return Result<std::vector<std::string>>(
                            std::vector<std::string>(ids.begin(), ids.end()));
                      }},
      clock, nullptr};
  WorkerPool workers{"fuzz-live", 1, 64};
  TimerQueue timers{"fuzz-live-timers", 1024};
  http::Router router;

  LiveFixture() {
    api::LiveAuthenticator authenticate = [](std::string_view token) -> Result<api::LiveIdentity> {
      if (token != "valid-token") return UnauthenticatedError("invalid token");
      api::LiveIdentity identity;
      identity.who.user_id = "user-1";
      identity.who.session_id = "session-1";
      return identity;
    };
    http::AddLiveRoutes(router,
                        http::LiveRouteDeps{notifier, std::move(authenticate), workers, timers,
                                            std::chrono::seconds(10), 1024, nullptr});
  }

  // Waits until the single worker has run everything queued before.
  void Drain() {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    if (workers.TrySubmit([done] { done->set_value(); })) future.wait();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static LiveFixture* fixture = new LiveFixture();
  const auto match = fixture->router.Find("GET", "/api/sync/live");
  FUZZ_CHECK(match.route != nullptr);
  http::Request request;
  request.method = "GET";
  request.path = request.target = "/api/sync/live";
  request.headers.Set("Connection", "Upgrade");
  request.headers.Set("Upgrade", "websocket");
  http::Response response = match.route->operation_handler(request, auth::Principal{});
  FUZZ_CHECK(response.kind == http::ResponseKind::kWebSocket && response.websocket != nullptr);

  auto peer = std::make_shared<RecordingPeer>();
  response.websocket->OnOpen(peer);
  std::string_view rest = fuzz::AsText(data, size);
  for (int messages = 0; !rest.empty() && messages < 64; ++messages) {
    const std::size_t nl = rest.find('\n');
    response.websocket->OnMessage(std::string(rest.substr(0, nl)));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  fixture->Drain();
  fixture->notifier.Tick();
  response.websocket->OnClose();
  FUZZ_CHECK(fixture->notifier.listeners() == 0);
  return 0;
}
