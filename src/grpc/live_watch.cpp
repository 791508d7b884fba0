#include "grpc/live_watch.h"

#include <condition_variable>
#include <mutex>
#include <optional>

#include "api/gate.h"
#include "metrics/metrics.h"
#include "sync/cursor.h"
#include "sync/live_notifier.h"

namespace howler::grpcsvc {
namespace {

namespace pb = howlerops::v1;

// How often a waiting call looks at its cancellation (gRPC's sync API has no callback).
constexpr std::chrono::milliseconds kCancelCheck{200};

// The listener of one Watch call: one slot for the newest state, a heartbeat flag, the
// end. The notifier calls it; the call's thread takes from it.
class WatchListener final : public sync::LiveListener {
 public:
  void OnState(const sync::LiveState& state, bool hello) override {
    pb::WatchEvent e;
    e.set_cursor(sync::EncodeCursor({state.seq}));
    e.set_seq(state.seq);
    e.set_conflicts(state.conflicts);
    e.set_by_device(state.by_device);
    {
      std::lock_guard lock(mu_);
      // A hello not yet written stays a hello with the newer state.
      slot_hello_ = hello || (slot_hello_ && slot_.has_value());
      e.set_type(slot_hello_ ? "hello" : "changes");
      slot_ = std::move(e);
    }
    wake_.notify_all();
  }
  void OnHeartbeat() override {
    {
      std::lock_guard lock(mu_);
      heartbeat_ = true;
    }
    wake_.notify_all();
  }
  void OnEnd(sync::LiveEnd reason) override {
    {
      std::lock_guard lock(mu_);
      end_ = reason;
    }
    wake_.notify_all();
  }

  // What the call does next: an event to write, an end, or nothing yet (look at the
  // cancellation and wait again).
  struct Next {
    std::optional<pb::WatchEvent> event;
    std::optional<sync::LiveEnd> end;
  };
  Next Wait() {
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, kCancelCheck, [this] { return slot_ || heartbeat_ || end_; });
    Next next;
    if (end_) {
      next.end = end_;
    } else if (slot_) {
      next.event = std::move(slot_);
      slot_.reset();
      slot_hello_ = false;
      heartbeat_ = false;
    } else if (heartbeat_) {
      heartbeat_ = false;
      next.event.emplace();
      next.event->set_type("heartbeat");
    }
    return next;
  }

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  std::optional<pb::WatchEvent> slot_;
  bool slot_hello_ = false;
  bool heartbeat_ = false;
  std::optional<sync::LiveEnd> end_;
};

Status EndStatus(sync::LiveEnd end) {
  switch (end) {
    case sync::LiveEnd::kTokenExpired:
      return UnauthenticatedError("token expired");
    case sync::LiveEnd::kSessionEnded:
      return UnauthenticatedError("session ended");
    case sync::LiveEnd::kShutdown:
      break;
  }
  return UnavailableError("server is shutting down").WithRetryAfter(1);
}

// The token's expiry: CallRunner authenticated the caller, not the expiry.
Result<TimePoint> TokenExpiry(const grpc::ServerContext& context, const LiveWatchDeps& deps) {
  const auto& md = context.client_metadata();
  const auto it = md.find("authorization");
  std::optional<std::string_view> authorization;
  if (it != md.end()) authorization = std::string_view(it->second.data(), it->second.size());
  HOWLER_ASSIGN_OR_RETURN(std::string_view token, api::BearerToken(authorization));
  HOWLER_ASSIGN_OR_RETURN(api::LiveIdentity identity, deps.authenticate(token));
  return identity.expires_at;
}

}  // namespace

Status RunWatch(grpc::ServerContext& context, const CallInfo& call,
                grpc::ServerWriter<pb::WatchEvent>& writer, const LiveWatchDeps& deps) {
  if (deps.notifier == nullptr) return UnimplementedError("live sync is not enabled");
  HOWLER_ASSIGN_OR_RETURN(TimePoint expires_at, TokenExpiry(context, deps));
  auto listener = std::make_shared<WatchListener>();
  HOWLER_ASSIGN_OR_RETURN(
      std::uint64_t id, deps.notifier->Subscribe({call.principal.user_id, call.principal.session_id,
                                                  expires_at, listener}));
  if (deps.metrics) deps.metrics->AddLiveConnections("grpc", 1);
  Status result = Status::Ok();
  while (!context.IsCancelled()) {
    WatchListener::Next next = listener->Wait();
    if (next.end) {
      result = EndStatus(*next.end);
      break;
    }
    if (!next.event) continue;
    if (!writer.Write(*next.event)) break;  // the client went away
    if (deps.metrics) deps.metrics->CountLiveMessage(next.event->type());
  }
  deps.notifier->Unsubscribe(id);
  if (deps.metrics) deps.metrics->AddLiveConnections("grpc", -1);
  if (context.IsCancelled()) return Status(StatusCode::kCancelled, "the client cancelled the call");
  return result;
}

}  // namespace howler::grpcsvc
