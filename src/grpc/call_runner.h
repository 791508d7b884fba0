// CallRunner: the one wrapper every unary method of the application's gRPC services runs
// in, the gRPC counterpart of http/pipeline.h. A service method states its policy and
// hands over a handler that only translates messages and calls a service class.
//
// The order, written down once (outermost first):
//   1. request id   echo a valid `x-request-id` metadata value (1-128 of [A-Za-z0-9._:-]),
//                   else generate a UUIDv7; sent back in the initial metadata
//   2. client       the peer's IP address (gRPC has no trusted proxies: the peer is the
//                   client) and the `user-agent` metadata
//   3. log+metrics  one log line and grpc_requests_total{method,code} /
//                   grpc_request_duration_seconds{method} per call, at completion
//   4. deadline     a call whose deadline has passed is not worked on (DEADLINE_EXCEEDED)
//   5. per-IP limit RateLimit::kPerIp: RESOURCE_EXHAUSTED with `retry-after` (before 6,
//                   as on HTTP, so that guessing tokens is throttled too)
//   6. bearer auth  unless the policy is public: `authorization: Bearer <token>`, else
//                   UNAUTHENTICATED
//   7. user limit   RateLimit::kPerUser: as 5, keyed by the authenticated user id
//   8. dispatch     Dispatch::kHashPool runs the handler on the password-hashing pool
//                   (UNAVAILABLE with `retry-after` when its queue is full; when the task
//                   starts, a passed deadline or a cancelled call skips the handler);
//                   kInline runs it on the gRPC thread (blocking there is fine: the sync
//                   server has more threads than cores, see GrpcServerOptions::max_pollers)
//   9. errors       an exception escaping the handler becomes INTERNAL
//  10. status       the handler's Status through ToGrpcStatus (status_conversion.h)
// Message size limits are the server's (GrpcServerOptions::max_message_bytes).
//
// Usage, e.g. in a SyncService implementation (every method authenticated):
//
//   constexpr CallPolicy kUpload{"howlerops.v1.SyncService/Upload", true, RateLimit::kPerUser};
//   grpc::Status SyncGrpc::Upload(grpc::ServerContext* ctx, const pb::UploadRequest* req,
//                                 pb::UploadResponse* res) {
//     return calls_.Run(*ctx, kUpload, [&](const CallInfo& call) -> Status {
//       HOWLER_ASSIGN_OR_RETURN(auto out, sync_.Upload(call.principal.user_id, FromProto(*req)));
//       ToProto(out, res);
//       return Status::Ok();
//     });
//   }
//
// with `calls_` built from CallDeps{AuthenticatorOf(auth), &metrics, nullptr, &sync_limiter}.
// Thread-safety: Run may be called concurrently; the dependencies must outlive the runner.
// Internal to src/grpc (it includes gRPC headers).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <string>
#include <string_view>

#include "auth/auth_service.h"
#include "common/result.h"
#include "common/status.h"

namespace howler {
class WorkerPool;
}
namespace howler::auth {
class RateLimiter;
}
namespace howler::metrics {
class Metrics;
}

namespace howler::grpcsvc {

enum class RateLimit { kNone, kPerIp, kPerUser };
enum class Dispatch { kInline, kHashPool };

struct CallPolicy {
  // "package.Service/Method": the metric label and log field (a bounded set).
  std::string_view method;
  bool authenticated = true;  // false: a public method, no token looked at
  RateLimit limit = RateLimit::kNone;
  Dispatch dispatch = Dispatch::kInline;
};

// What a handler learns about its call.
struct CallInfo {
  std::string request_id;
  auth::ClientInfo client;
  auth::Principal principal;  // the caller; empty for public methods
};

// Bearer token -> caller; UNAUTHENTICATED for anything wrong. Must be thread-safe.
using Authenticator = std::function<Result<auth::Principal>(std::string_view token)>;

// auth::AuthService::Authenticate, the authenticator of every application service.
Authenticator AuthenticatorOf(auth::AuthService& service);

struct CallDeps {
  Authenticator authenticate;                 // required by authenticated policies
  metrics::Metrics* metrics = nullptr;        // optional
  auth::RateLimiter* ip_limiter = nullptr;    // required by RateLimit::kPerIp
  auth::RateLimiter* user_limiter = nullptr;  // required by RateLimit::kPerUser
  WorkerPool* hash_pool = nullptr;            // required by Dispatch::kHashPool
};

class CallRunner {
 public:
  // Translates the request, calls a service class, fills the response; returns its Status.
  using Handler = std::function<Status(const CallInfo&)>;

  explicit CallRunner(CallDeps deps);

  // Runs `handler` for one call under `policy` (steps 1-10 above). Returns when the
  // handler has finished or was refused; the handler never runs after Run returns.
  grpc::Status Run(grpc::ServerContext& context, const CallPolicy& policy,
                   const Handler& handler) const;

 private:
  // Steps 4-7: OK when the call may be worked on; fills `call.principal`.
  Status Admit(grpc::ServerContext& context, const CallPolicy& policy, CallInfo& call) const;
  Status Limit(auth::RateLimiter* limiter, const std::string& key) const;
  // Steps 8-9.
  Status Execute(grpc::ServerContext& context, const CallPolicy& policy, const Handler& handler,
                 const CallInfo& call) const;
  void Record(const CallPolicy& policy, const CallInfo& call, const grpc::Status& result,
              const std::string& detail, double seconds) const;

  CallDeps deps_;
};

// The IP address in a gRPC peer string: "ipv4:127.0.0.1:5000" -> "127.0.0.1",
// "ipv6:[::1]:5000" (or its %-encoded form) -> "::1"; other forms are returned whole.
std::string PeerAddress(std::string_view peer);

// Whether an incoming request id may be echoed (1-128 of [A-Za-z0-9._:-], as on HTTP).
bool IsValidRequestId(std::string_view id);

}  // namespace howler::grpcsvc
