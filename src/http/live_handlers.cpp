#include "http/live_handlers.h"

#include <atomic>
#include <boost/json/parse.hpp>
#include <memory>
#include <mutex>
#include <optional>

#include "api/gate.h"
#include "api/operations.h"
#include "common/json_text.h"
#include "common/timer_queue.h"
#include "common/worker_pool.h"
#include "http/pipeline.h"
#include "http/responses.h"
#include "http/websocket.h"
#include "metrics/metrics.h"
#include "sync/cursor.h"
#include "sync/live_notifier.h"

namespace howler::http {
namespace {

std::string StateMessage(const sync::LiveState& state, bool hello) {
  std::string out = hello ? "{\"type\":\"hello\",\"cursor\":" : "{\"type\":\"changes\",\"cursor\":";
  AppendJsonString(out, sync::EncodeCursor({state.seq}));
  out += ",\"seq\":" + std::to_string(state.seq);
  out += ",\"conflicts\":" + std::to_string(state.conflicts);
  out += ",\"by_device\":";
  AppendJsonString(out, state.by_device);
  out += "}";
  return out;
}

// The `type` and `token` of a client message; nullopt when it is not a JSON object with a
// string `type`.
struct ClientMessage {
  std::string type;
  std::optional<std::string> token;
};
std::optional<ClientMessage> ParseClientMessage(std::string_view text) {
  if (text.size() > kMaxLiveMessageBytes) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) return std::nullopt;
  ClientMessage m{std::string(type->get_string()), std::nullopt};
  if (const auto* token = o.if_contains("token"); token && token->is_string()) {
    m.token = std::string(token->get_string());
  }
  return m;
}

// One live connection: the WebSocket handler and the notifier's listener. Lock order:
// the notifier calls in with its lock held and this takes mu_, so this never calls the
// notifier while holding mu_.
class LiveSocket final : public WebSocketHandler,
                         public sync::LiveListener,
                         public std::enable_shared_from_this<LiveSocket> {
 public:
  // `reserved`: a place among the sockets awaiting authentication was taken for this one
  // (by the route, before the upgrade is answered, so that sockets opened one after the
  // other are counted in that order); it is given back when authentication ends or this
  // socket goes away, opened or not.
  LiveSocket(std::shared_ptr<const LiveRouteDeps> deps, std::shared_ptr<std::atomic<int>> pending,
             std::optional<api::LiveIdentity> identity, bool reserved = false)
      : deps_(std::move(deps)),
        pending_auth_(std::move(pending)),
        identity_(identity ? std::make_unique<api::LiveIdentity>(*std::move(identity)) : nullptr),
        authenticated_(identity_ != nullptr),
        holds_pending_(reserved) {}
  ~LiveSocket() override {
    if (holds_pending_) pending_auth_->fetch_sub(1);
  }

  void OnOpen(std::shared_ptr<WebSocketPeer> peer) override {
    std::unique_ptr<api::LiveIdentity> identity;
    {
      std::lock_guard lock(mu_);
      peer_ = std::move(peer);
      opened_ = true;
      identity.swap(identity_);
    }
    if (deps_->metrics) deps_->metrics->AddLiveConnections("websocket", 1);
    if (identity) return Subscribe(*std::move(identity));
    bool reserved = false;
    {
      std::lock_guard lock(mu_);
      reserved = holds_pending_;
    }
    if (!reserved) {
      return Close(kLiveCloseTryLater, "too many connections awaiting authentication");
    }
    std::weak_ptr<LiveSocket> weak = weak_from_this();
    const bool scheduled = deps_->timers.Schedule(deps_->auth_timeout, [weak] {
      if (auto self = weak.lock()) self->AuthDeadline();
    });
    if (!scheduled) Close(kLiveCloseTryLater, "server busy, retry shortly");
  }

  void OnMessage(std::string text) override {
    const auto message = ParseClientMessage(text);
    if (!message) return Close(kLiveClosePolicy, "malformed message");
    std::unique_lock lock(mu_);
    if (message->type == "ping") {  // answered in any state
      SendLocked("{\"type\":\"pong\"}", true);
      return;
    }
    const bool authenticating = authenticated_ || auth_started_;
    if (message->type != "auth" || authenticating || !message->token) {
      lock.unlock();
      if (authenticating) return Close(kLiveClosePolicy, "unexpected message");
      return Close(kLiveCloseUnauthenticated, "authenticate first");
    }
    auth_started_ = true;
    lock.unlock();
    auto self = shared_from_this();
    const bool queued = deps_->workers.TrySubmit(
        [self, token = *std::move(message->token)] { self->Authenticate(token); });
    if (!queued) Close(kLiveCloseTryLater, "server busy, retry shortly");
  }

  void OnSent() override {
    std::lock_guard lock(mu_);
    if (in_flight_ > 0) --in_flight_;
    if (in_flight_ == 0 && pending_) {
      std::string next = std::move(*pending_);
      pending_.reset();
      SendLocked(std::move(next), true);
    }
  }

  void OnClose() override {
    std::optional<std::uint64_t> id;
    bool opened = false;
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      closed_ = true;
      peer_.reset();
      id = subscription_;
      opened = opened_;
      ReleasePendingLocked();
    }
    if (id) deps_->notifier.Unsubscribe(*id);
    if (opened && deps_->metrics) deps_->metrics->AddLiveConnections("websocket", -1);
  }

  void OnState(const sync::LiveState& state, bool hello) override {
    std::string text = StateMessage(state, hello);
    std::lock_guard lock(mu_);
    if (in_flight_ > 0 && !hello) {
      pending_ = std::move(text);  // replaces an older unsent state: never a backlog
      return;
    }
    SendLocked(std::move(text), true);
    if (deps_->metrics) deps_->metrics->CountLiveMessage(hello ? "hello" : "changes");
  }

  void OnHeartbeat() override {
    std::lock_guard lock(mu_);
    if (in_flight_ > 0 || pending_) return;  // not idle
    SendLocked("{\"type\":\"heartbeat\"}", true);
    if (deps_->metrics) deps_->metrics->CountLiveMessage("heartbeat");
  }

  void OnEnd(sync::LiveEnd reason) override {
    switch (reason) {
      case sync::LiveEnd::kTokenExpired:
        return Close(kLiveCloseTokenExpired, "token expired");
      case sync::LiveEnd::kSessionEnded:
        return Close(kLiveCloseSessionEnded, "session ended");
      case sync::LiveEnd::kShutdown:
        return Close(kLiveCloseGoingAway, "server shutting down");
    }
  }

 private:
  // Worker thread.
  void Authenticate(const std::string& token) {
    {
      std::lock_guard lock(mu_);
      ReleasePendingLocked();
    }
    auto identity = deps_->authenticate(token);
    if (!identity.ok()) return Close(kLiveCloseUnauthenticated, "invalid or expired token");
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      authenticated_ = true;
    }
    Subscribe(*std::move(identity));
  }

  // Not under mu_ (the notifier's lock comes first). The identity is not kept: the
  // notifier holds what it needs (an idle socket's memory is what DESIGN.md counts).
  void Subscribe(api::LiveIdentity identity) {
    auto id = deps_->notifier.Subscribe({std::move(identity.who.user_id),
                                         std::move(identity.who.session_id), identity.expires_at,
                                         shared_from_this()});
    if (!id.ok()) {
      if (id.status().code() == StatusCode::kResourceExhausted) {
        return Close(kLiveCloseTooMany, "too many live connections for this user");
      }
      return Close(kLiveCloseTryLater, id.status().message());
    }
    std::unique_lock lock(mu_);
    if (closed_) {
      lock.unlock();
      deps_->notifier.Unsubscribe(*id);
      return;
    }
    subscription_ = *id;
  }

  // Timer thread.
  void AuthDeadline() {
    {
      std::lock_guard lock(mu_);
      if (authenticated_ || closed_) return;
    }
    Close(kLiveCloseUnauthenticated, "authentication timed out");
  }

  void Close(int code, std::string reason) {
    std::lock_guard lock(mu_);
    if (peer_) peer_->Close(code, std::move(reason));
  }

  void ReleasePendingLocked() {
    if (holds_pending_) pending_auth_->fetch_sub(1);
    holds_pending_ = false;
  }

  void SendLocked(std::string text, bool counted) {
    if (!peer_) return;
    if (peer_->Send(std::move(text)) && counted) ++in_flight_;
  }

  const std::shared_ptr<const LiveRouteDeps> deps_;
  const std::shared_ptr<std::atomic<int>> pending_auth_;  // sockets awaiting their auth
  std::mutex mu_;
  std::shared_ptr<WebSocketPeer> peer_;  // until OnClose
  // From the upgrade until OnOpen subscribes (behind a pointer: idle sockets are many).
  std::unique_ptr<api::LiveIdentity> identity_;
  bool authenticated_ = false;  // at the upgrade or by the auth message
  std::optional<std::uint64_t> subscription_;
  std::optional<std::string> pending_;  // the newest state not yet handed to the peer
  int in_flight_ = 0;                   // messages handed to the peer, not yet written
  bool auth_started_ = false;
  bool opened_ = false;
  bool closed_ = false;
  bool holds_pending_ = false;  // counted in pending_auth_
};

Response Live(const Request& request, const auth::Principal& who,
              const std::shared_ptr<const LiveRouteDeps>& deps,
              const std::shared_ptr<std::atomic<int>>& pending) {
  if (!IsWebSocketUpgrade(request)) return AcceptWebSocket(request, nullptr);  // 426
  if (who.user_id.empty()) {
    const bool reserved = pending->fetch_add(1) < deps->max_pending_auth;
    if (!reserved) pending->fetch_sub(1);
    return AcceptWebSocket(request,
                           std::make_shared<LiveSocket>(deps, pending, std::nullopt, reserved));
  }
  // The pipeline authenticated the header or subprotocol token; its expiry is read here.
  std::string holder;
  auto token = api::BearerToken(RequestAuthorization(request, holder));
  if (!token.ok()) return ErrorResponse(token.status());
  auto identity = deps->authenticate(*token);
  if (!identity.ok()) return ErrorResponse(identity.status());
  return AcceptWebSocket(request,
                         std::make_shared<LiveSocket>(deps, pending, *std::move(identity)));
}

}  // namespace

void AddLiveRoutes(Router& router, LiveRouteDeps deps) {
  auto shared = std::make_shared<const LiveRouteDeps>(std::move(deps));
  auto pending = std::make_shared<std::atomic<int>>(0);
  router.Add(api::ops::kSyncLive, [shared, pending](const Request& r, const auth::Principal& who) {
    return Live(r, who, shared, pending);
  });
}

}  // namespace howler::http
