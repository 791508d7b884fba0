// HTTP requests through the API listener (http/pipeline.h, router.h, the auth and sync
// handlers) over real services on a SQLite file (api/testing/service_harness.h).
// First byte even: the rest is raw bytes read by Beast's request parser with the server's
// header and body limits and Transfer-Encoding rule (http/server.cpp), then handled.
// First byte odd: the second byte picks an operation, the rest is its JSON body (its
// query string for a GET), sent with a signed-up account's token, to reach the auth and
// sync body codecs directly (logout is left out: it would end the account's session).
// Whatever arrives, the answer is a status from 100 to 599 other than 500, and an error
// answer carries a JSON body.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <cstdint>

#include "api/testing/service_harness.h"
#include "common/log.h"
#include "fuzz/fuzz_check.h"
#include "http/beast_request.h"
#include "http/testing/api_pipeline.h"
#include "http/wire.h"
#include "sync/json_value.h"

namespace {

using namespace howler;
namespace bhttp = boost::beast::http;

struct Fixture {
  api::testing::ServiceHarness harness{[] {
    api::testing::HarnessOptions o;
    o.auth_per_minute = 1u << 30;
    o.sync_per_minute = 1u << 30;
    return o;
  }()};
  http::testing::ApiPipeline pipeline{harness, [] {
                                        http::testing::ApiPipelineOptions o;
                                        o.pipeline.max_body_bytes = 64 * 1024;
                                        o.max_upload_bytes = 64 * 1024;
                                        return o;
                                      }()};
  api::testing::Account account = harness.SignUp("fuzzer");
};

struct Target {
  const char* method;
  const char* path;
  int auth;  // 0 none, 1 access token, 2 license key
};
constexpr Target kTargets[] = {
    {"POST", "/api/auth/signup", 0},
    {"POST", "/api/auth/login", 0},
    {"POST", "/api/auth/refresh", 0},
    {"PUT", "/api/auth/profile", 1},
    {"POST", "/api/auth/change-password", 1},
    {"POST", "/api/auth/verify-email", 0},
    {"POST", "/api/auth/resend-verification", 0},
    {"POST", "/api/auth/request-password-reset", 0},
    {"POST", "/api/auth/reset-password", 0},
    {"POST", "/api/sync/upload", 1},
    {"POST", "/api/sync/upload", 2},
    {"GET", "/api/sync/download", 1},
    {"GET", "/api/sync/download", 2},
    {"GET", "/api/sync/conflicts", 1},
    {"POST", "/api/sync/conflicts/c1/resolve", 1},
    {"POST", "/api/sync/conflicts/c1/resolve", 2},
    {"POST", "/api/sync/reset", 1},
    {"GET", "/api/sync/status", 2},
};

std::optional<http::Request> ParseRaw(std::string_view bytes) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec == bhttp::error::need_more && parser.is_header_done()) {
    parser.put_eof(ec);
  }
  if (ec || !parser.is_done()) return std::nullopt;
  std::vector<std::string_view> te;
  const auto [first, last] = parser.get().equal_range(bhttp::field::transfer_encoding);
  for (auto it = first; it != last; ++it) te.push_back(it->value());
  if (!http::IsAcceptedTransferEncoding(te)) return std::nullopt;
  auto message = parser.release();
  return http::FromBeastRequest(message, "127.0.0.1");
}

http::Request Structured(const Fixture& f, std::uint8_t pick, std::string_view body) {
  const Target& t = kTargets[pick % std::size(kTargets)];
  http::Request r;
  r.method = t.method;
  r.path = t.path;
  r.target = t.path;
  if (r.method == "GET") {
    r.target += "?" + std::string(body);
    if (auto parsed = boost::urls::parse_origin_form(r.target)) {
      for (auto param : parsed->params()) {
        r.query.emplace(param.key, param.has_value ? param.value : std::string());
      }
    }
  } else {
    r.headers.Set("Content-Type", "application/json");
    r.body = std::string(body);
  }
  if (t.auth == 1) r.headers.Set("Authorization", f.account.Bearer());
  if (t.auth == 2) r.headers.Set("Authorization", f.account.LicenseBearer());
  return r;
}

void CheckResponse(const http::Response& response) {
  FUZZ_CHECK(response.status >= 100 && response.status <= 599);
  FUZZ_CHECK(response.status != 500);
  if (response.status >= 400 && response.kind == http::ResponseKind::kFixed &&
      !response.headers.Has("Content-Encoding")) {
    FUZZ_CHECK(sync::ParseJson(response.body, 1 << 10).ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture* fixture = [] {
    log::Configure("error", "text");  // one access log line per input would dominate the run
    return new Fixture();
  }();
  if (size < 2) return 0;
  std::optional<http::Request> request;
  if (data[0] % 2 == 0) {
    request = ParseRaw(fuzz::AsText(data + 1, size - 1));
  } else {
    request = Structured(*fixture, data[1], fuzz::AsText(data + 2, size - 2));
  }
  if (!request) return 0;
  CheckResponse(fixture->pipeline.Send(*std::move(request)));
  return 0;
}
