// CallRunner: the one wrapper every unary method of the application's gRPC services runs
// in, the gRPC counterpart of http/pipeline.h. A service method states its policy and
// hands over a handler that only translates messages and calls a service class.
//
// The order, written down once (outermost first); steps 5-7 are api::Gate's, applied
// from the operation's declaration (api/operations.h) exactly as HTTP applies them:
//   1. request id   echo a valid `x-request-id` metadata value (1-128 of [A-Za-z0-9._:-]),
//                   else generate a UUIDv7; sent back in the initial metadata
//   2. client       the peer's IP address, or the client named by `x-forwarded-for`
//                   when the peer is a trusted proxy (api/client_address.h), and the
//                   `user-agent` metadata
//   3. log+metrics  one log line and grpc_requests_total{method,code} /
//                   grpc_request_duration_seconds{method} per call, at completion
//   4. deadline     a call whose deadline has passed is not worked on (DEADLINE_EXCEEDED)
//   5. per-IP budget   RESOURCE_EXHAUSTED with `retry-after`
//   6. session         `authorization: Bearer <token>` unless public, else UNAUTHENTICATED
//   7. per-user budget as 5, keyed by the authenticated user id
//   8. dispatch     api::RunOn::kHashPool runs the handler on the password-hashing pool
//                   (UNAVAILABLE with `retry-after` when its queue is full; when the task
//                   starts, a passed deadline or a cancelled call skips the handler);
//                   every other kind runs on the gRPC thread (blocking there is fine: the
//                   sync server has more threads than cores, see GrpcServerOptions)
//   9. errors       an exception escaping the handler becomes INTERNAL
//  10. status       the handler's Status through ToGrpcStatus (status_conversion.h)
// Message size limits are the server's (GrpcServerOptions::max_message_bytes).
//
// Usage, in a service implementation:
//
//   grpc::Status SyncGrpc::Upload(grpc::ServerContext* ctx, const pb::UploadRequest* req,
//                                 pb::UploadResponse* res) {
//     return calls_.Run(*ctx, api::ops::kUpload, [&](const CallInfo& call) -> Status {
//       HOWLER_ASSIGN_OR_RETURN(auto out, sync_.Upload(call.principal.user_id, FromProto(*req)));
//       return ToProto(out, res);
//     });
//   }
//
// Thread-safety: Run may be called concurrently; the dependencies must outlive the runner.
// Internal to src/grpc (it includes gRPC headers).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <string>
#include <string_view>

#include "api/operation.h"
#include "auth/auth_service.h"
#include "common/result.h"
#include "common/status.h"
#include "grpc/call_deps.h"

namespace howler::grpcsvc {

// What a handler learns about its call.
struct CallInfo {
  std::string request_id;
  auth::ClientInfo client;
  auth::Principal principal;  // the caller; empty for public methods
};

class CallRunner {
 public:
  // Translates the request, calls a service class, fills the response; returns its Status.
  using Handler = std::function<Status(const CallInfo&)>;

  explicit CallRunner(CallDeps deps);

  // Runs `handler` for one call of `operation` (steps 1-10 above). Returns when the
  // handler has finished or was refused; the handler never runs after Run returns.
  grpc::Status Run(grpc::ServerContext& context, const api::Operation& operation,
                   const Handler& handler) const;

 private:
  // Steps 4-7: OK when the call may be worked on; fills `call.principal`.
  Status Admit(grpc::ServerContext& context, const api::Operation& operation, CallInfo& call) const;
  // Steps 8-9.
  Status Execute(grpc::ServerContext& context, const api::Operation& operation,
                 const Handler& handler, const CallInfo& call) const;
  void Record(const api::Operation& operation, const CallInfo& call, const grpc::Status& result,
              const std::string& detail, double seconds) const;

  CallDeps deps_;
};

// The IP address in a gRPC peer string: "ipv4:127.0.0.1:5000" -> "127.0.0.1",
// "ipv6:[::1]:5000" (or its %-encoded form) -> "::1"; other forms are returned whole.
std::string PeerAddress(std::string_view peer);

}  // namespace howler::grpcsvc
