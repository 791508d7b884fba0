#include "grpc/call_runner.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <future>
#include <memory>
#include <optional>

#include "api/client_address.h"
#include "api/gate.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/worker_pool.h"
#include "grpc/status_conversion.h"
#include "metrics/metrics.h"

namespace howler::grpcsvc {
namespace {

constexpr std::string_view kRequestIdKey = "x-request-id";

// The value of one client metadata entry, if present.
std::optional<std::string_view> Metadata(const grpc::ServerContext& context, std::string_view key) {
  const auto& all = context.client_metadata();
  const auto it = all.find(grpc::string_ref(key.data(), key.size()));
  if (it == all.end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

std::string RequestIdOf(const grpc::ServerContext& context) {
  const auto incoming = Metadata(context, kRequestIdKey);
  if (incoming && IsValidRequestId(*incoming)) return std::string(*incoming);
  return NewUuidV7(std::chrono::system_clock::now());
}

// OK while the call's deadline has not passed.
Status BeforeDeadline(const grpc::ServerContext& context) {
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return DeadlineExceededError("deadline exceeded before the call was worked on");
  }
  return Status::Ok();
}

// BeforeDeadline, and not cancelled by the client. IsCancelled() polls the call's queue
// (tens of microseconds on the sync API), so only calls that waited for a pool ask it.
Status StillWanted(const grpc::ServerContext& context) {
  HOWLER_RETURN_IF_ERROR(BeforeDeadline(context));
  if (context.IsCancelled()) return Status(StatusCode::kCancelled, "call cancelled");
  return Status::Ok();
}

// The handler with its exceptions turned into INTERNAL (hidden from the client, logged).
Status Guarded(const CallRunner::Handler& handler, const CallInfo& call) {
  try {
    return handler(call);
  } catch (const std::exception& e) {
    return InternalError(std::string("handler threw: ") + e.what());
  } catch (...) {
    return InternalError("handler threw a non-standard exception");
  }
}

// Runs the handler on `pool` and waits for it. The wait is bounded by the pool's queue
// bound; every task sets its promise, so the wait always ends.
Status OnPool(WorkerPool& pool, const grpc::ServerContext& context,
              const CallRunner::Handler& handler, const CallInfo& call) {
  auto done = std::make_shared<std::promise<Status>>();
  std::future<Status> result = done->get_future();
  const bool queued = pool.TrySubmit([done, &context, &handler, &call] {
    Status wanted = StillWanted(context);  // it may have waited in the queue
    done->set_value(wanted.ok() ? Guarded(handler, call) : std::move(wanted));
  });
  if (!queued) return UnavailableError("server is busy, retry shortly").WithRetryAfter(1);
  return result.get();
}

// "%5B::1%5D" -> "[::1]"; anything that is not a valid escape is kept as it is.
std::string PercentDecoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool escape = s[i] == '%' && i + 2 < s.size() &&
                        std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                        std::isxdigit(static_cast<unsigned char>(s[i + 2]));
    if (!escape) {
      out += s[i];
      continue;
    }
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

}  // namespace

CallRunner::CallRunner(CallDeps deps) : deps_(std::move(deps)) {}

grpc::Status CallRunner::Run(grpc::ServerContext& context, const api::Operation& operation,
                             const Handler& handler) const {
  const auto started = std::chrono::steady_clock::now();
  CallInfo call;
  call.request_id = RequestIdOf(context);
  context.AddInitialMetadata(std::string(kRequestIdKey), call.request_id);
  call.client.ip = api::ClientAddress(PeerAddress(context.peer()),
                                      Metadata(context, "x-forwarded-for"), deps_.trusted_proxies);
  call.client.user_agent = std::string(Metadata(context, "user-agent").value_or(""));

  Status status = Admit(context, operation, call);
  if (status.ok()) status = Execute(context, operation, handler, call);
  std::string detail;
  grpc::Status result = ToGrpcStatus(status, context, &detail);
  Record(operation, call, result, detail, metrics::SecondsSince(started));
  return result;
}

Status CallRunner::Admit(grpc::ServerContext& context, const api::Operation& operation,
                         CallInfo& call) const {
  HOWLER_RETURN_IF_ERROR(BeforeDeadline(context));
  if (deps_.gate == nullptr) return InternalError("gRPC service without a gate");
  HOWLER_RETURN_IF_ERROR(deps_.gate->SpendIpBudget(operation, call.client.ip));
  HOWLER_ASSIGN_OR_RETURN(call.principal,
                          deps_.gate->Authorize(operation, Metadata(context, "authorization")));
  return Status::Ok();
}

Status CallRunner::Execute(grpc::ServerContext& context, const api::Operation& operation,
                           const Handler& handler, const CallInfo& call) const {
  if (operation.run_on != api::RunOn::kHashPool) return Guarded(handler, call);
  if (deps_.hash_pool == nullptr) return InternalError("gRPC call policy needs the hash pool");
  return OnPool(*deps_.hash_pool, context, handler, call);
}

void CallRunner::Record(const api::Operation& operation, const CallInfo& call,
                        const grpc::Status& result, const std::string& detail,
                        double seconds) const {
  const std::string_view code = StatusCodeName(static_cast<StatusCode>(result.error_code()));
  if (deps_.metrics) deps_.metrics->ObserveGrpcRequest(operation.grpc_method, code, seconds);
  if (!detail.empty()) {
    log::Error(
        "request failed",
        {{"request_id", call.request_id}, {"method", operation.grpc_method}, {"detail", detail}});
  }
  log::Info("grpc", {{"method", operation.grpc_method},
                     {"code", code},
                     {"duration_ms", seconds * 1000.0},
                     {"request_id", call.request_id},
                     {"client_ip", call.client.ip}});
}

std::string PeerAddress(std::string_view peer) {
  const std::string decoded = PercentDecoded(peer);
  std::string_view rest = decoded;
  if (rest.rfind("ipv4:", 0) == 0) {
    rest.remove_prefix(5);
    return std::string(rest.substr(0, rest.rfind(':')));
  }
  if (rest.rfind("ipv6:[", 0) == 0) {
    rest.remove_prefix(6);
    return std::string(rest.substr(0, rest.find(']')));
  }
  return decoded;
}

}  // namespace howler::grpcsvc
