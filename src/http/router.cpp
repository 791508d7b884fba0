#include "http/router.h"

#include <algorithm>
#include <cassert>

namespace howler::http {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  if (!path.empty() && path[0] == '/') start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// A last segment `{name*}`: captures the rest of the path.
bool IsRest(const std::string& segment) {
  return segment.size() > 3 && segment.front() == '{' && segment.ends_with("*}");
}

std::string JoinRest(const std::vector<std::string>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) out += (i == from ? "" : "/") + parts[i];
  return out;
}

bool MatchSegments(const Route& route, const std::vector<std::string>& parts,
                   std::map<std::string, std::string>* params) {
  const bool rest = !route.segments.empty() && IsRest(route.segments.back());
  if (rest ? parts.size() < route.segments.size() : route.segments.size() != parts.size()) {
    return false;
  }
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (rest && i + 1 == route.segments.size()) {
      if (params) (*params)[seg.substr(1, seg.size() - 3)] = JoinRest(parts, i);
    } else if (IsParam(seg)) {
      if (parts[i].empty()) return false;
      if (params) (*params)[seg.substr(1, seg.size() - 2)] = parts[i];
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, SyncHandler handler) {
  Insert(Route{std::move(method), std::move(pattern), {}, RunOn::kWorker, std::move(handler), {}});
}

void Router::AddRead(std::string method, std::string pattern, SyncHandler handler) {
  Insert(Route{std::move(method), std::move(pattern), {}, RunOn::kRead, std::move(handler), {}});
}

void Router::AddInline(std::string method, std::string pattern, SyncHandler handler) {
  Insert(
      Route{std::move(method), std::move(pattern), {}, RunOn::kIoThread, std::move(handler), {}});
}

void Router::AddAsync(std::string method, std::string pattern, AsyncHandler handler) {
  Insert(Route{std::move(method), std::move(pattern), {}, RunOn::kAsync, {}, std::move(handler)});
}

void Router::Add(const api::Operation& operation, OperationHandler handler) {
  Route route;
  route.method = std::string(operation.http_method);
  route.pattern = std::string(operation.http_path);
  switch (operation.run_on) {
    case api::RunOn::kInlineRead:
    case api::RunOn::kStream:
      route.run_on = RunOn::kRead;
      break;
    case api::RunOn::kHashPool:
      route.run_on = RunOn::kHashPool;
      break;
    case api::RunOn::kWorker:
      route.run_on = RunOn::kWorker;
      break;
  }
  route.operation = &operation;
  route.operation_handler = std::move(handler);
  Insert(std::move(route));
}

void Router::AddAsync(const api::Operation& operation, AsyncOperationHandler handler) {
  Add(operation, OperationHandler{});
  routes_.back().async_operation = std::move(handler);
}

void Router::Insert(Route route) {
  assert(!route.pattern.empty() && route.pattern[0] == '/');
  route.segments = SplitPath(route.pattern);
  routes_.push_back(std::move(route));
}

RouteMatch Router::Find(std::string_view method, std::string_view path) const {
  RouteMatch match;
  const std::vector<std::string> parts = SplitPath(path);
  // Literal segments win over parameters: try routes without params first.
  for (int pass = 0; pass < 2 && !match.route; ++pass) {
    for (const Route& r : routes_) {
      const bool has_params = std::any_of(r.segments.begin(), r.segments.end(), IsParam);
      if (has_params != (pass == 1)) continue;
      if (!MatchSegments(r, parts, nullptr)) continue;
      if (r.method == method) {
        match.route = &r;
        match.params.clear();
        MatchSegments(r, parts, &match.params);
        break;
      }
      if (std::find(match.allowed.begin(), match.allowed.end(), r.method) == match.allowed.end()) {
        match.allowed.push_back(r.method);
      }
    }
  }
  if (match.route) match.allowed.clear();
  return match;
}

}  // namespace howler::http
