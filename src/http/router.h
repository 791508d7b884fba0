// Router: the routing table of one listener, in one place. Routes are a method plus a
// path template whose `{name}` segments capture one path segment each; a last segment
// `{name*}` captures the rest of the path (one or more segments joined with '/', possibly
// empty: "/app/{path*}" matches "/app/" and "/app/a/b.js", not "/app").
//
// API operations (api/operations.h) are added with Add(operation, handler): the route takes
// the operation's method, path and policy, which the pipeline applies (pipeline.h) before
// the handler runs with the admitted caller. Routes outside the API (health, metrics) use
// the plain forms, whose kind says where the work runs:
// - Add(): a blocking handler, run on the worker pool (database writes and the like);
// - AddRead(): a handler that only reads the database: on the I/O thread when the
//   pipeline says reads are cheap (embedded SQLite: microseconds in-process, cheaper
//   than the two thread hand-offs of the pool), else on the worker pool;
// - AddInline(): a cheap handler run on the I/O thread (it must never block);
// - AddAsync(): a handler that completes later through a Responder, from any thread
//   (used to hand work to another pool, such as password hashing).
// Routes are registered before the server starts; afterwards the router is read-only
// and safe to share between threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/operation.h"
#include "auth/auth_service.h"
#include "http/message.h"

namespace howler::http {

using SyncHandler = std::function<Response(const Request&)>;
using AsyncHandler = std::function<void(std::shared_ptr<Request>, Responder)>;
// An operation's handler: the request and the caller the pipeline admitted (empty for a
// public operation). It only translates the wire shape and calls a service.
using OperationHandler = std::function<Response(const Request&, const auth::Principal&)>;
// An operation's handler that answers later: it runs where the operation's RunOn says
// (its setup may block on a worker) and calls the Responder exactly once, from any thread
// (the request is valid until then). For answers that wait on another service (the AI
// provider) without holding a thread.
using AsyncOperationHandler =
    std::function<void(const Request&, const auth::Principal&, Responder)>;

enum class RunOn { kWorker, kRead, kIoThread, kAsync, kHashPool };

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;  // pattern split at '/'
  RunOn run_on = RunOn::kWorker;
  SyncHandler sync;
  AsyncHandler async;
  const api::Operation* operation = nullptr;  // set for API operations (static storage)
  OperationHandler operation_handler;
  AsyncOperationHandler async_operation;  // instead of operation_handler
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method and path
  std::map<std::string, std::string> params;
  // When route is null: the methods the path does answer (empty -> 404, else 405).
  std::vector<std::string> allowed;
};

class Router {
 public:
  void Add(std::string method, std::string pattern, SyncHandler handler);
  void AddRead(std::string method, std::string pattern, SyncHandler handler);
  void AddInline(std::string method, std::string pattern, SyncHandler handler);
  void AddAsync(std::string method, std::string pattern, AsyncHandler handler);
  // An API operation; `operation` must have static storage duration (the table).
  void Add(const api::Operation& operation, OperationHandler handler);
  // An API operation answered through a Responder (AsyncOperationHandler).
  void AddAsync(const api::Operation& operation, AsyncOperationHandler handler);

  RouteMatch Find(std::string_view method, std::string_view path) const;

 private:
  void Insert(Route route);
  std::vector<Route> routes_;
};

}  // namespace howler::http
