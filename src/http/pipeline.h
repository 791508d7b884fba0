// Pipeline: the transport-free request -> response function of one listener.
//
// The middleware order, written down once (outermost first):
//   1. request id     echo a valid X-Request-Id, else generate one (UUIDv7)
//   2. client ip      the peer, or X-Forwarded-For's client when the peer is trusted
//   3. access log + metrics  one log line and http_* metrics per request, at completion
//   4. security headers      nosniff, DENY, no-referrer, Cache-Control: no-store
//   5. CORS           preflight answered with 204; the allowed origin reflected
//   6. routing        unknown path 404; wrong method 405 with Allow; a WebSocket upgrade
//                     from an Origin not in cors_origins 403
//   7. body checks    size (413), Content-Type application/json (415),
//                     Content-Encoding gzip decoded within the size limit
//   8. dispatch       worker pool (503 + Retry-After when its queue is full),
//                     I/O thread, or asynchronous, as the route says; read routes run
//                     on the I/O thread when `inline_reads` is set
//   9. error mapping  an exception escaping a handler becomes 500 INTERNAL_ERROR
//  10. compression    gzip when the client accepts it and the body is over 1 KiB
//
// Thread-safety: Handle() may be called concurrently from several I/O threads. The
// router, pool and metrics must outlive the pipeline.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/router.h"

namespace howler {
class WorkerPool;
}
namespace howler::api {
class Gate;
}
namespace howler::metrics {
class Metrics;
}

namespace howler::http {

struct PipelineOptions {
  // Allowed CORS origins; "*" allows any origin (reflected, never credentials).
  std::vector<std::string> cors_origins = {"*"};
  // Peer addresses (IPv4/IPv6, optionally CIDR "10.0.0.0/8") whose X-Forwarded-For is used.
  std::vector<std::string> trusted_proxies;
  std::size_t max_body_bytes = 10u << 20;
  // Bodies at least this large are gzip-compressed for clients that accept it.
  std::size_t compress_min_bytes = 1024;
  // Run Router::AddRead routes on the I/O thread (set by app for the embedded database,
  // whose reads take microseconds; a remote database's reads go to the worker pool).
  bool inline_reads = false;
  // Access log lines for this listener (the metrics listener turns them off).
  bool access_log = true;
};

// What API operation routes need (steps 8-10); a listener without operations leaves them null.
struct OperationDeps {
  const api::Gate* gate = nullptr;
  WorkerPool* hash_pool = nullptr;  // runs api::RunOn::kHashPool operations
};

class Pipeline {
 public:
  // `metrics` may be null (no http_* metrics for this listener).
  Pipeline(PipelineOptions options, const Router& router, WorkerPool& workers,
           metrics::Metrics* metrics, OperationDeps operations = {});

  // Called on an I/O thread with a parsed request; `done` receives the final response
  // exactly once, possibly from another thread.
  void Handle(Request request, Responder done) const;

 private:
  struct Exchange;
  void Dispatch(std::shared_ptr<Exchange> exchange) const;
  void Submit(WorkerPool& pool, std::shared_ptr<Exchange> exchange) const;
  // Steps 10-11 for the exchange's route, on the calling thread; an asynchronous
  // operation finishes the exchange when its Responder is called.
  void Execute(const std::shared_ptr<Exchange>& exchange) const;
  Response Run(const Exchange& exchange) const;
  void Finish(const std::shared_ptr<Exchange>& exchange, Response response) const;
  bool OriginAllowed(std::string_view origin) const;

  PipelineOptions options_;
  const Router& router_;
  WorkerPool& workers_;
  metrics::Metrics* metrics_;
  OperationDeps operations_;
};

// The credentials of a request as an Authorization value: the header, or for a WebSocket
// upgrade without one (browsers cannot set headers on a WebSocket) the subprotocol entry
// `bearer.<token>` of Sec-WebSocket-Protocol (the server answers with howlerops.v1 only,
// so the token is never echoed). `holder` keeps the text of the subprotocol form.
std::optional<std::string_view> RequestAuthorization(const Request& request, std::string& holder);

}  // namespace howler::http
