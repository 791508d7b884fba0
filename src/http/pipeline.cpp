#include "http/pipeline.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>

#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/utf8.h"
#include "common/worker_pool.h"
#include "http/gzip.h"
#include "http/responses.h"
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

Response RunGuarded(const SyncHandler& handler, const Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return ErrorResponse(InternalError(std::string("handler threw: ") + e.what()));
  } catch (...) {
    return ErrorResponse(InternalError("handler threw a non-standard exception"));
  }
}

}  // namespace

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
           c == ':';
  });
}

bool AddressMatches(std::string_view ip, std::string_view spec) {
  std::string_view net = spec;
  int prefix = -1;
  if (auto slash = spec.find('/'); slash != std::string_view::npos) {
    net = spec.substr(0, slash);
    const std::string bits(spec.substr(slash + 1));
    if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit)) {
      return false;
    }
    prefix = std::stoi(bits);
  }
  std::array<unsigned char, 16> a{}, b{};
  const std::string ip_s(ip), net_s(net);
  int family = AF_INET;
  int len = 4;
  if (inet_pton(AF_INET, ip_s.c_str(), a.data()) != 1) {
    family = AF_INET6;
    len = 16;
    if (inet_pton(AF_INET6, ip_s.c_str(), a.data()) != 1) return false;
  }
  if (inet_pton(family, net_s.c_str(), b.data()) != 1) return false;
  if (prefix < 0) prefix = len * 8;
  if (prefix > len * 8) return false;
  for (int i = 0; i < len && prefix > 0; ++i, prefix -= 8) {
    const unsigned char mask =
        prefix >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - prefix));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

Pipeline::Pipeline(PipelineOptions options, const Router& router, WorkerPool& workers,
                   metrics::Metrics* metrics)
    : options_(std::move(options)), router_(router), workers_(workers), metrics_(metrics) {}

bool Pipeline::OriginAllowed(std::string_view origin) const {
  return std::any_of(options_.cors_origins.begin(), options_.cors_origins.end(),
                     [&](const std::string& o) { return o == "*" || o == origin; });
}

bool Pipeline::IsTrustedProxy(std::string_view ip) const {
  return std::any_of(options_.trusted_proxies.begin(), options_.trusted_proxies.end(),
                     [&](const std::string& spec) { return AddressMatches(ip, spec); });
}

std::string Pipeline::ClientIp(const Request& request) const {
  if (!IsTrustedProxy(request.peer_ip)) return request.peer_ip;
  const auto xff = request.headers.Get("X-Forwarded-For");
  if (!xff) return request.peer_ip;
  // The right-most address that is not a trusted proxy is the client.
  std::string_view rest = *xff;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    const std::string_view candidate =
        Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (candidate.empty()) continue;
    if (!AddressMatches(candidate, candidate)) break;  // not an address: stop trusting
    if (!IsTrustedProxy(candidate)) return std::string(candidate);
  }
  return request.peer_ip;
}

void Pipeline::Handle(Request request, Responder done) const {
  auto ex = std::make_shared<Exchange>();
  ex->done = std::move(done);
  request.received_at = std::chrono::steady_clock::now();
  const auto incoming_id = request.headers.Get("X-Request-Id");
  request.request_id = (incoming_id && IsValidRequestId(*incoming_id))
                           ? std::string(*incoming_id)
                           : NewUuidV7(std::chrono::system_clock::now());
  request.client_ip = ClientIp(request);
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
  if (auto rejected = CheckBody(req, options_.max_body_bytes)) {
    return Finish(ex, std::move(*rejected));
  }
  Dispatch(std::move(ex));
}

void Pipeline::Dispatch(std::shared_ptr<Exchange> ex) const {
  const Route& route = *ex->route;
  RunOn run_on = route.run_on;
  if (run_on == RunOn::kRead) run_on = options_.inline_reads ? RunOn::kIoThread : RunOn::kWorker;
  switch (run_on) {
    case RunOn::kRead:
    case RunOn::kIoThread:
      return Finish(ex, RunGuarded(route.sync, *ex->request));
    case RunOn::kAsync:
      try {
        route.async(ex->request, [this, ex](Response r) { Finish(ex, std::move(r)); });
      } catch (const std::exception& e) {
        Finish(ex, ErrorResponse(InternalError(std::string("handler threw: ") + e.what())));
      }
      return;
    case RunOn::kWorker: {
      const bool queued =
          workers_.TrySubmit([this, ex] { Finish(ex, RunGuarded(ex->route->sync, *ex->request)); });
      if (!queued) {
        Finish(ex,
               ErrorResponse(UnavailableError("server is busy, retry shortly").WithRetryAfter(1)));
      }
      return;
    }
  }
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
