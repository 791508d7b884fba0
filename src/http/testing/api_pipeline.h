// ApiPipeline: for tests of the API handlers without sockets, the API listener as the
// composition root builds it (AddAuthRoutes + AddSyncRoutes behind a Pipeline with the
// harness's gate, worker pool and hash pool), driven with http::Request values. The
// services come from api::testing::ServiceHarness, the one place tests construct them.
// Header-only test support.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <future>
#include <string>
#include <utility>

#include "api/testing/service_harness.h"
#include "http/auth_handlers.h"
#include "http/pipeline.h"
#include "http/sync_handlers.h"

namespace howler::http::testing {

struct ApiPipelineOptions {
  PipelineOptions pipeline;                   // max_body_bytes, trusted proxies, ...
  std::uint64_t max_upload_bytes = 1u << 20;  // SYNC_MAX_UPLOAD_SIZE
};

class ApiPipeline {
 public:
  explicit ApiPipeline(api::testing::ServiceHarness& harness, ApiPipelineOptions options = {})
      : pipeline_(options.pipeline, Routes(router_, harness, options.max_upload_bytes),
                  harness.workers(), nullptr,
                  OperationDeps{&harness.gate(), &harness.hash_pool()}) {}

  // Handles `request` (peer 127.0.0.1 unless set) and waits for the response, which the
  // pipeline may deliver from another thread.
  Response Send(Request request) const {
    if (request.peer_ip.empty()) request.peer_ip = "127.0.0.1";
    if (request.target.empty()) request.target = request.path;
    auto done = std::make_shared<std::promise<Response>>();
    std::future<Response> response = done->get_future();
    pipeline_.Handle(std::move(request), [done](Response r) { done->set_value(std::move(r)); });
    return response.get();
  }

 private:
  static const Router& Routes(Router& router, api::testing::ServiceHarness& harness,
                              std::uint64_t max_upload_bytes) {
    AddAuthRoutes(router, harness.auth());
    AddSyncRoutes(router, {harness.sync(), harness.desktop(), max_upload_bytes, nullptr});
    return router;
  }

  Router router_;
  Pipeline pipeline_;
};

// A request to `path` with `Authorization: <authorization>` when it is not empty.
inline Request MakeRequest(std::string method, std::string path, std::string authorization = {}) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  if (!authorization.empty()) r.headers.Set("Authorization", std::move(authorization));
  return r;
}

inline Request Get(std::string path, std::string authorization = {}) {
  return MakeRequest("GET", std::move(path), std::move(authorization));
}

// A request with a JSON body (Content-Type application/json).
inline Request Post(std::string path, std::string body, std::string authorization = {}) {
  Request r = MakeRequest("POST", std::move(path), std::move(authorization));
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

// The response body as a JSON object; a test failure (and an empty object) otherwise.
inline boost::json::object JsonOf(const Response& response) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(response.body, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << response.body;
    return {};
  }
  return std::move(v.as_object());
}

// The "message" of an error response (empty when there is none).
inline std::string MessageOf(const Response& response) {
  const boost::json::object o = JsonOf(response);
  const auto* m = o.if_contains("message");
  return m != nullptr && m->is_string() ? std::string(m->get_string()) : std::string();
}

// The "code" of an error response (empty when there is none).
inline std::string CodeOf(const Response& response) {
  const boost::json::object o = JsonOf(response);
  const auto* c = o.if_contains("code");
  return c != nullptr && c->is_string() ? std::string(c->get_string()) : std::string();
}

}  // namespace howler::http::testing
