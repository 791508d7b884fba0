#include "http/pipeline.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>

#include "api/client_address.h"
#include "api/gate.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/utf8.h"
#include "common/worker_pool.h"
#include "http/gzip.h"
#include "http/responses.h"
#include "http/websocket.h"
#include "metrics/metrics.h"

namespace howler::http {

struct Pipeline::Exchange {
  std::shared_ptr<Request> request;
  Responder done;
  const Route* route = nullptr;
};

namespace {

constexpr std::string_view kAllowMethods = "GET, POST, PUT, DELETE, OPTIONS";
constexpr std::string_view kAllowHeaders = "Authorization, Content-Type, Accept, X-Request-Id";

bool HasBodyMethod(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsJsonContentType(std::string_view value) {
  const std::string_view media = Trim(value.substr(0, value.find(';')));
  return EqualsIgnoreCase(media, "application/json");
}

Response Preflight() {
  Response r;
  r.status = 204;
  r.headers.Set("Access-Control-Allow-Methods", std::string(kAllowMethods));
  r.headers.Set("Access-Control-Allow-Headers", std::string(kAllowHeaders));
  r.headers.Set("Access-Control-Max-Age", "86400");
  return r;
}

Response NotFoundOrNotAllowed(const RouteMatch& match) {
  if (match.allowed.empty()) return ErrorResponse(NotFoundError("no such endpoint"));
  Response r = ErrorResponse(UnimplementedError("method not allowed for this endpoint")
                                 .WithReason(ApiReason::kMethodNotAllowed));
  std::string allow;
  for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
  r.headers.Set("Allow", allow);
  return r;
}

// Decodes the body in place; returns an error response when the body is unacceptable.
std::optional<Response> CheckBody(Request& req, std::size_t max_body) {
  if (req.body.size() > max_body) {
    return ErrorResponse(ResourceExhaustedError("request body is too large")
                             .WithReason(ApiReason::kPayloadTooLarge));
  }
  if (req.body.empty() || !HasBodyMethod(req.method)) return std::nullopt;
  const auto type = req.headers.Get("Content-Type");
  if (!type || !IsJsonContentType(*type)) {
    return ErrorResponse(InvalidArgumentError("Content-Type must be application/json")
                             .WithReason(ApiReason::kUnsupportedMediaType));
  }
  const auto encoding = req.headers.Get("Content-Encoding");
  if (!encoding || EqualsIgnoreCase(Trim(*encoding), "identity")) return std::nullopt;
  if (!EqualsIgnoreCase(Trim(*encoding), "gzip")) {
    return ErrorResponse(InvalidArgumentError("unsupported Content-Encoding")
                             .WithReason(ApiReason::kUnsupportedMediaType));
  }
  auto decoded = GzipDecompress(req.body, max_body);
  if (!decoded.ok()) return ErrorResponse(decoded.status());
  req.body = std::move(decoded).value();
  req.headers.Remove("Content-Encoding");
  return std::nullopt;
}

// Decoded query and path parameters must be valid UTF-8 (a handler may use them as
// identifiers, store or log them): 400 naming the parameter otherwise.
std::optional<Response> CheckParamsText(const Request& req) {
  for (const auto& [name, value] : req.query) {
    if (!IsValidUtf8(name)) {
      return ErrorResponse(InvalidArgumentError("a query parameter name is not valid UTF-8"));
    }
    if (!IsValidUtf8(value)) {
      return ErrorResponse(InvalidArgumentError("query parameter " + name + " is not valid UTF-8"));
    }
  }
  for (const auto& [name, value] : req.path_params) {
    if (!IsValidUtf8(value)) {
      return ErrorResponse(InvalidArgumentError("path segment {" + name + "} is not valid UTF-8"));
    }
  }
  return std::nullopt;
}

template <typename Handler>
Response RunGuarded(const Handler& handler, const Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return ErrorResponse(InternalError(std::string("handler threw: ") + e.what()));
  } catch (...) {
    return ErrorResponse(InternalError("handler threw a non-standard exception"));
  }
}

}  // namespace

std::optional<std::string_view> RequestAuthorization(const Request& request, std::string& holder) {
  if (auto header = request.headers.Get("Authorization")) return header;
  if (!IsWebSocketUpgrade(request)) return std::nullopt;
  const auto offered = request.headers.Get("Sec-WebSocket-Protocol");
  if (!offered) return std::nullopt;
  constexpr std::string_view kPrefix = "bearer.";
  std::string_view rest = *offered;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.size() > kPrefix.size() && item.substr(0, kPrefix.size()) == kPrefix) {
      holder = "Bearer " + std::string(item.substr(kPrefix.size()));
      return std::string_view(holder);
    }
  }
  return std::nullopt;
}

Pipeline::Pipeline(PipelineOptions options, const Router& router, WorkerPool& workers,
                   metrics::Metrics* metrics, OperationDeps operations)
    : options_(std::move(options)),
      router_(router),
      workers_(workers),
      metrics_(metrics),
      operations_(operations) {}

bool Pipeline::OriginAllowed(std::string_view origin) const {
  return std::any_of(options_.cors_origins.begin(), options_.cors_origins.end(),
                     [&](const std::string& o) { return o == "*" || o == origin; });
}

void Pipeline::Handle(Request request, Responder done) const {
  auto ex = std::make_shared<Exchange>();
  ex->done = std::move(done);
  request.received_at = std::chrono::steady_clock::now();
  const auto incoming_id = request.headers.Get("X-Request-Id");
  request.request_id = (incoming_id && IsValidRequestId(*incoming_id))
                           ? std::string(*incoming_id)
                           : NewUuidV7(std::chrono::system_clock::now());
  request.client_ip = api::ClientAddress(request.peer_ip, request.headers.Get("X-Forwarded-For"),
                                         options_.trusted_proxies);
  ex->request = std::make_shared<Request>(std::move(request));
  if (metrics_) metrics_->AddHttpInFlight(1);

  Request& req = *ex->request;
  if (req.method == "OPTIONS") {
    req.route = "OPTIONS";
    return Finish(ex, Preflight());
  }
  RouteMatch match = router_.Find(req.method, req.path);
  if (!match.route) {
    req.route = "unmatched";  // raw paths would make metric labels unbounded
    return Finish(ex, NotFoundOrNotAllowed(match));
  }
  ex->route = match.route;
  req.route = match.route->pattern;
  req.path_params = std::move(match.params);
  if (auto rejected = CheckParamsText(req)) return Finish(ex, std::move(*rejected));
  // Browsers send a WebSocket upgrade to any origin (no CORS preflight): an Origin that
  // is not allowed is refused before any work.
  if (const auto origin = req.headers.Get("Origin");
      origin && IsWebSocketUpgrade(req) && !OriginAllowed(*origin)) {
    return Finish(ex, ErrorResponse(PermissionDeniedError("origin not allowed")));
  }
  if (auto rejected = CheckBody(req, options_.max_body_bytes)) {
    return Finish(ex, std::move(*rejected));
  }
  Dispatch(std::move(ex));
}

void Pipeline::Dispatch(std::shared_ptr<Exchange> ex) const {
  const Route& route = *ex->route;
  if (route.operation != nullptr) {
    if (operations_.gate == nullptr) {
      return Finish(ex, ErrorResponse(InternalError("API operation without a gate")));
    }
    Status budget = operations_.gate->SpendIpBudget(*route.operation, ex->request->client_ip);
    if (!budget.ok()) return Finish(ex, ErrorResponse(budget));
  }
  RunOn run_on = route.run_on;
  if (run_on == RunOn::kRead) run_on = options_.inline_reads ? RunOn::kIoThread : RunOn::kWorker;
  switch (run_on) {
    case RunOn::kRead:
    case RunOn::kIoThread:
      return Execute(ex);
    case RunOn::kAsync:
      try {
        route.async(ex->request, [this, ex](Response r) { Finish(ex, std::move(r)); });
      } catch (const std::exception& e) {
        Finish(ex, ErrorResponse(InternalError(std::string("handler threw: ") + e.what())));
      }
      return;
    case RunOn::kWorker:
      return Submit(workers_, std::move(ex));
    case RunOn::kHashPool:
      if (operations_.hash_pool == nullptr) {
        return Finish(ex, ErrorResponse(InternalError("hash-pool route without a hash pool")));
      }
      return Submit(*operations_.hash_pool, std::move(ex));
  }
}

void Pipeline::Submit(WorkerPool& pool, std::shared_ptr<Exchange> ex) const {
  const bool queued = pool.TrySubmit([this, ex] { Execute(ex); });
  if (!queued) {
    Finish(ex, ErrorResponse(UnavailableError("server is busy, retry shortly").WithRetryAfter(1)));
  }
}

void Pipeline::Execute(const std::shared_ptr<Exchange>& ex) const {
  const Route& route = *ex->route;
  if (!route.async_operation) return Finish(ex, Run(*ex));
  std::string holder;
  auto who =
      operations_.gate->Authorize(*route.operation, RequestAuthorization(*ex->request, holder));
  if (!who.ok()) return Finish(ex, ErrorResponse(who.status()));
  auto responder = [this, ex](Response r) { Finish(ex, std::move(r)); };
  try {
    route.async_operation(*ex->request, *who, responder);
  } catch (const std::exception& e) {
    responder(ErrorResponse(InternalError(std::string("handler threw: ") + e.what())));
  }
}

Response Pipeline::Run(const Exchange& ex) const {
  const Route& route = *ex.route;
  const Request& request = *ex.request;
  if (route.operation == nullptr) return RunGuarded(route.sync, request);
  return RunGuarded(
      [&](const Request& r) {
        std::string holder;
        const auto authorization = RequestAuthorization(r, holder);
        // The token of such an upgrade may come in its first message instead: the
        // handler gets no caller and authenticates that message itself.
        if (route.operation->access == api::Access::kSessionOrFirstMessage && !authorization &&
            IsWebSocketUpgrade(r)) {
          return route.operation_handler(r, auth::Principal{});
        }
        auto who = operations_.gate->Authorize(*route.operation, authorization);
        if (!who.ok()) return ErrorResponse(who.status());
        return route.operation_handler(r, *who);
      },
      request);
}

void Pipeline::Finish(const std::shared_ptr<Exchange>& ex, Response r) const {
  const Request& req = *ex->request;
  r.headers.Set("X-Request-Id", req.request_id);
  r.headers.Set("X-Content-Type-Options", "nosniff");
  r.headers.Set("X-Frame-Options", "DENY");
  r.headers.Set("Referrer-Policy", "no-referrer");
  if (!r.headers.Has("Cache-Control")) r.headers.Set("Cache-Control", "no-store");
  if (const auto origin = req.headers.Get("Origin"); origin && OriginAllowed(*origin)) {
    r.headers.Set("Access-Control-Allow-Origin", std::string(*origin));
    r.headers.Add("Vary", "Origin");
  }
  if (r.compressible && r.body.size() >= options_.compress_min_bytes &&
      !r.headers.Has("Content-Encoding")) {
    if (const auto accept = req.headers.Get("Accept-Encoding"); accept && AcceptsGzip(*accept)) {
      r.body = GzipCompress(r.body);
      r.headers.Set("Content-Encoding", "gzip");
      r.headers.Add("Vary", "Accept-Encoding");
    }
  }

  const double seconds = metrics::SecondsSince(req.received_at);
  // Labels and log fields from closed sets only: an invented method is "OTHER".
  const std::string_view method = MethodLabel(req.method);
  if (metrics_) {
    metrics_->ObserveHttpRequest(method, req.route, r.status, seconds);
    metrics_->AddHttpInFlight(-1);
  }
  if (!r.log_detail.empty()) {
    log::Error("request failed",
               {{"request_id", req.request_id}, {"route", req.route}, {"detail", r.log_detail}});
  }
  if (options_.access_log) {
    log::Info("http", {{"method", method},
                       {"route", req.route},
                       {"status", r.status},
                       {"duration_ms", seconds * 1000.0},
                       {"bytes", r.body.size()},
                       {"request_id", req.request_id},
                       {"client_ip", req.client_ip}});
  }
  ex->done(std::move(r));
}

}  // namespace howler::http
