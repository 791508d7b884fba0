#include "http/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <sstream>
#include <thread>

#include "api/gate.h"
#include "common/worker_pool.h"
#include "http/gzip.h"
#include "http/responses.h"
#include "metrics/metrics.h"

namespace howler::http {
namespace {

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() : workers_("test", 2, 4) {
    router_.Add("GET", "/thing/{id}", [](const Request& r) {
      return JsonResponse(200, "{\"id\":\"" + r.path_params.at("id") + "\"}");
    });
    router_.Add("POST", "/echo", [](const Request& r) { return JsonResponse(200, r.body); });
    router_.Add("GET", "/big", [](const Request&) {
      return JsonResponse(200, "\"" + std::string(5000, 'z') + "\"");
    });
    router_.Add("GET", "/throws",
                [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
    router_.AddAsync("GET", "/later", [](std::shared_ptr<Request>, Responder done) {
      std::thread([done] { done(JsonResponse(202, "{}")); }).detach();
    });
  }

  Response Run(Request req, PipelineOptions options = {}) {
    Pipeline p(std::move(options), router_, workers_, &metrics_);
    if (req.peer_ip.empty()) req.peer_ip = "127.0.0.1";
    std::promise<Response> promise;
    p.Handle(std::move(req), [&](Response r) { promise.set_value(std::move(r)); });
    return promise.get_future().get();
  }

  static Request Get(std::string path) {
    Request r;
    r.method = "GET";
    r.path = std::move(path);
    return r;
  }

  Router router_;
  WorkerPool workers_;
  metrics::Metrics metrics_;
};

TEST_F(PipelineTest, RoutesAndAddsSecurityHeaders) {
  Response r = Run(Get("/thing/42"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"id\":\"42\"}");
  EXPECT_EQ(r.headers.Get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.headers.Get("X-Frame-Options"), "DENY");
  EXPECT_EQ(r.headers.Get("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r.headers.Get("Cache-Control"), "no-store");
  EXPECT_TRUE(r.headers.Has("X-Request-Id"));
}

TEST_F(PipelineTest, EchoesValidRequestIdAndReplacesInvalidOnes) {
  Request a = Get("/thing/1");
  a.headers.Set("X-Request-Id", "abc-123");
  EXPECT_EQ(Run(std::move(a)).headers.Get("X-Request-Id"), "abc-123");
  Request b = Get("/thing/1");
  b.headers.Set("X-Request-Id", "bad id with spaces\n");
  auto id = Run(std::move(b)).headers.Get("X-Request-Id");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->size(), 36u);  // a generated UUID
}

TEST_F(PipelineTest, NotFoundAndMethodNotAllowedUseTheErrorShape) {
  Response nf = Run(Get("/missing"));
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.headers.Get("Content-Type"), "application/json");
  EXPECT_NE(nf.body.find("\"code\":\"NOT_FOUND\""), std::string::npos);
  Request del = Get("/echo");
  Response na = Run(std::move(del));
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(na.headers.Get("Allow"), "POST");
  EXPECT_NE(na.body.find("\"code\":\"METHOD_NOT_ALLOWED\""), std::string::npos);
}

TEST_F(PipelineTest, AnswersCorsPreflight) {
  Request r = Get("/anything/at/all");
  r.method = "OPTIONS";
  r.headers.Set("Origin", "https://app.example");
  r.headers.Set("Access-Control-Request-Method", "POST");
  Response res = Run(std::move(r));
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.headers.Get("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(res.headers.Get("Access-Control-Max-Age"), "86400");
  EXPECT_NE(res.headers.Get("Access-Control-Allow-Headers")->find("Authorization"),
            std::string_view::npos);
  EXPECT_FALSE(res.headers.Has("Access-Control-Allow-Credentials"));
}

TEST_F(PipelineTest, CorsOriginNotInTheListIsNotReflected) {
  PipelineOptions options;
  options.cors_origins = {"https://allowed.example"};
  Request r = Get("/thing/1");
  r.headers.Set("Origin", "https://evil.example");
  EXPECT_FALSE(Run(std::move(r), options).headers.Has("Access-Control-Allow-Origin"));
}

TEST_F(PipelineTest, BodyChecks) {
  Request wrong_type = Get("/echo");
  wrong_type.method = "POST";
  wrong_type.body = "{}";
  wrong_type.headers.Set("Content-Type", "text/plain");
  EXPECT_EQ(Run(std::move(wrong_type)).status, 415);

  PipelineOptions small;
  small.max_body_bytes = 10;
  Request big = Get("/echo");
  big.method = "POST";
  big.body = std::string(11, 'x');
  big.headers.Set("Content-Type", "application/json");
  Response too_large = Run(std::move(big), small);
  EXPECT_EQ(too_large.status, 413);
  EXPECT_NE(too_large.body.find("PAYLOAD_TOO_LARGE"), std::string::npos);
}

TEST_F(PipelineTest, DecodesGzipBodiesWithinTheLimit) {
  Request r = Get("/echo");
  r.method = "POST";
  r.body = GzipCompress("{\"hello\":\"world\"}");
  r.headers.Set("Content-Type", "application/json; charset=utf-8");
  r.headers.Set("Content-Encoding", "gzip");
  Response res = Run(std::move(r));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "{\"hello\":\"world\"}");

  PipelineOptions small;
  small.max_body_bytes = 1000;
  Request bomb = Get("/echo");
  bomb.method = "POST";
  bomb.body = GzipCompress(std::string(100000, ' '));
  bomb.headers.Set("Content-Type", "application/json");
  bomb.headers.Set("Content-Encoding", "gzip");
  EXPECT_EQ(Run(std::move(bomb), small).status, 413);

  Request brotli = Get("/echo");
  brotli.method = "POST";
  brotli.body = "xx";
  brotli.headers.Set("Content-Type", "application/json");
  brotli.headers.Set("Content-Encoding", "br");
  EXPECT_EQ(Run(std::move(brotli)).status, 415);
}

TEST_F(PipelineTest, CompressesLargeResponsesForClientsThatAcceptGzip) {
  Request r = Get("/big");
  r.headers.Set("Accept-Encoding", "br, gzip;q=0.8");
  Response res = Run(std::move(r));
  EXPECT_EQ(res.headers.Get("Content-Encoding"), "gzip");
  auto plain = GzipDecompress(res.body, 1 << 20);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->size(), 5002u);

  Request refuses = Get("/big");
  refuses.headers.Set("Accept-Encoding", "gzip;q=0");
  EXPECT_FALSE(Run(std::move(refuses)).headers.Has("Content-Encoding"));
  EXPECT_FALSE(Run(Get("/thing/1")).headers.Has("Content-Encoding"));  // small body
}

TEST_F(PipelineTest, NeverCompressesAnEncodedOrIncompressibleBody) {
  router_.AddInline("GET", "/encoded", [](const Request&) {
    Response r;
    r.body = GzipCompress(std::string(5000, 'e'));
    r.headers.Set("Content-Encoding", "gzip");
    return r;
  });
  router_.AddInline("GET", "/image", [](const Request&) {
    Response r;
    r.body = std::string(5000, '\x89');
    r.compressible = false;
    return r;
  });
  Request encoded = Get("/encoded");
  encoded.headers.Set("Accept-Encoding", "gzip");
  const Response once = Run(std::move(encoded));
  EXPECT_EQ(once.headers.Get("Content-Encoding"), "gzip");
  EXPECT_EQ(GzipDecompress(once.body, 1 << 20).value(), std::string(5000, 'e'));
  Request image = Get("/image");
  image.headers.Set("Accept-Encoding", "gzip");
  const Response raw = Run(std::move(image));
  EXPECT_FALSE(raw.headers.Has("Content-Encoding"));
  EXPECT_EQ(raw.body, std::string(5000, '\x89'));
}

TEST_F(PipelineTest, HandlerExceptionsBecomeGeneric500s) {
  Response r = Run(Get("/throws"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("INTERNAL_ERROR"), std::string::npos);
  EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
}

TEST_F(PipelineTest, AsyncHandlersCompleteFromAnotherThread) {
  EXPECT_EQ(Run(Get("/later")).status, 202);
}

TEST_F(PipelineTest, FullWorkerQueueAnswers503WithRetryAfter) {
  WorkerPool tiny("tiny", 1, 1);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  ASSERT_TRUE(tiny.TrySubmit([gate] { gate.wait(); }));  // occupies the thread
  // Wait until the blocker is running so the queue slot is free for one more task.
  while (tiny.queued() != 0) std::this_thread::yield();
  ASSERT_TRUE(tiny.TrySubmit([gate] { gate.wait(); }));  // fills the queue
  Pipeline p({}, router_, tiny, nullptr);
  Request r = Get("/thing/1");
  r.peer_ip = "127.0.0.1";
  std::promise<Response> got;
  p.Handle(std::move(r), [&](Response res) { got.set_value(std::move(res)); });
  Response res = got.get_future().get();
  release.set_value();
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.headers.Get("Retry-After"), "1");
}

TEST_F(PipelineTest, CountsRequestsByRouteTemplate) {
  Run(Get("/thing/1"));
  Run(Get("/thing/2"));
  Run(Get("/no/such/path"));
  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find("route=\"/thing/{id}\",status=\"200\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"404\"} 1"), std::string::npos);
  EXPECT_EQ(text.find("/no/such/path"), std::string::npos);
}

TEST_F(PipelineTest, InventedMethodsShareOneLabel) {
  for (int i = 0; i < 50; ++i) {
    Request r = Get("/thing/1");
    r.method = "X" + std::to_string(i) + std::string(100, 'M');
    EXPECT_EQ(Run(std::move(r)).status, 405);
  }
  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find("method=\"OTHER\",route=\"unmatched\",status=\"405\"} 50"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("MMMM"), std::string::npos);
  EXPECT_EQ(MethodLabel("PATCH"), "PATCH");
  EXPECT_EQ(MethodLabel("get"), "OTHER");
}

TEST_F(PipelineTest, InvalidUtf8InQueryOrPathIs400NamingIt) {
  Request query = Get("/thing/1");
  query.query.emplace("device_id", "\xff\xfe");
  Response r = Run(std::move(query));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("query parameter device_id is not valid UTF-8"), std::string::npos)
      << r.body;

  Response path = Run(Get("/thing/a\xc3"));
  EXPECT_EQ(path.status, 400);
  EXPECT_NE(path.body.find("{id}"), std::string::npos) << path.body;

  Request fine = Get("/thing/caf\xc3\xa9");
  fine.query.emplace("q", "caf\xc3\xa9");
  EXPECT_EQ(Run(std::move(fine)).status, 200);
}

TEST_F(PipelineTest, ForwardedForIsTrustedOnlyFromConfiguredProxies) {
  router_.Add("GET", "/ip", [](const Request& r) { return JsonResponse(200, r.client_ip); });
  PipelineOptions trusting;
  trusting.trusted_proxies = {"10.0.0.0/8"};

  Request direct = Get("/ip");
  direct.peer_ip = "203.0.113.9";
  direct.headers.Set("X-Forwarded-For", "1.2.3.4");
  EXPECT_EQ(Run(std::move(direct), trusting).body, "203.0.113.9");

  Request proxied = Get("/ip");
  proxied.peer_ip = "10.0.0.2";
  proxied.headers.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.0.0.9");
  EXPECT_EQ(Run(std::move(proxied), trusting).body, "198.51.100.7");
}

}  // namespace
}  // namespace howler::http

namespace howler::http {
namespace {

TEST(PipelineReadRoutesTest, RunInlineOnlyWhenReadsAreCheap) {
  Router router;
  router.AddRead("GET", "/read", [](const Request&) {
    std::ostringstream id;
    id << std::this_thread::get_id();
    return JsonResponse(200, id.str());
  });
  WorkerPool workers("reads", 1, 4);
  std::ostringstream caller;
  caller << std::this_thread::get_id();
  for (bool inline_reads : {true, false}) {
    PipelineOptions options;
    options.inline_reads = inline_reads;
    Pipeline p(options, router, workers, nullptr);
    Request r;
    r.method = "GET";
    r.path = "/read";
    r.peer_ip = "127.0.0.1";
    std::promise<Response> done;
    p.Handle(std::move(r), [&](Response res) { done.set_value(std::move(res)); });
    const Response res = done.get_future().get();
    EXPECT_EQ(res.body == caller.str(), inline_reads) << "inline_reads=" << inline_reads;
  }
}

}  // namespace
}  // namespace howler::http

namespace howler::http {
namespace {

// A session operation answering a WebSocket upgrade, behind a gate whose authenticator
// knows one token.
constexpr api::Operation kSocketOp{.name = "test.socket",
                                   .http_method = "GET",
                                   .http_path = "/socket",
                                   .access = api::Access::kSession,
                                   .run_on = api::RunOn::kStream};

class UpgradePolicyTest : public ::testing::Test {
 protected:
  UpgradePolicyTest()
      : workers_("test", 1, 4),
        gate_(api::GateDeps{[](std::string_view token) -> Result<auth::Principal> {
          if (token != "good") return UnauthenticatedError("invalid token");
          return auth::Principal{"u1", "ann", "user", "s1"};
        }}) {
    router_.Add(kSocketOp, [](const Request&, const auth::Principal& who) {
      return JsonResponse(200, "\"" + who.user_id + "\"");
    });
  }

  Response Run(Request req, std::vector<std::string> origins = {"*"}) {
    PipelineOptions options;
    options.cors_origins = std::move(origins);
    Pipeline p(options, router_, workers_, nullptr, OperationDeps{&gate_, nullptr});
    req.peer_ip = "127.0.0.1";
    std::promise<Response> promise;
    p.Handle(std::move(req), [&](Response r) { promise.set_value(std::move(r)); });
    return promise.get_future().get();
  }

  static Request Upgrade() {
    Request r;
    r.method = "GET";
    r.path = "/socket";
    r.headers.Set("Connection", "Upgrade");
    r.headers.Set("Upgrade", "websocket");
    r.headers.Set("Sec-WebSocket-Version", "13");
    r.headers.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    return r;
  }

  Router router_;
  WorkerPool workers_;
  api::Gate gate_;
};

TEST_F(UpgradePolicyTest, AnUpgradeWithoutAValidSessionIsRefused) {
  EXPECT_EQ(Run(Upgrade()).status, 401);
  Request bad = Upgrade();
  bad.headers.Set("Sec-WebSocket-Protocol", "howlerops.v1, bearer.bad");
  EXPECT_EQ(Run(std::move(bad)).status, 401);
}

TEST_F(UpgradePolicyTest, TheBearerMayComeAsASubprotocolEntryOrTheHeader) {
  Request sub = Upgrade();
  sub.headers.Set("Sec-WebSocket-Protocol", "howlerops.v1, bearer.good");
  Response r = Run(std::move(sub));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "\"u1\"");
  Request header = Upgrade();
  header.headers.Set("Authorization", "Bearer good");
  EXPECT_EQ(Run(std::move(header)).status, 200);
  // Only an upgrade reads the subprotocol: a plain request needs the header.
  Request plain;
  plain.method = "GET";
  plain.path = "/socket";
  plain.headers.Set("Sec-WebSocket-Protocol", "bearer.good");
  EXPECT_EQ(Run(std::move(plain)).status, 401);
}

TEST_F(UpgradePolicyTest, AnUpgradeFromAnOriginNotAllowedIsForbidden) {
  Request foreign = Upgrade();
  foreign.headers.Set("Authorization", "Bearer good");
  foreign.headers.Set("Origin", "https://evil.example");
  EXPECT_EQ(Run(std::move(foreign), {"https://app.example"}).status, 403);
  Request allowed = Upgrade();
  allowed.headers.Set("Authorization", "Bearer good");
  allowed.headers.Set("Origin", "https://app.example");
  EXPECT_EQ(Run(std::move(allowed), {"https://app.example"}).status, 200);
  Request no_origin = Upgrade();  // not a browser
  no_origin.headers.Set("Authorization", "Bearer good");
  EXPECT_EQ(Run(std::move(no_origin), {"https://app.example"}).status, 200);
}

// An asynchronous operation (Router::AddAsync): admitted by the gate like any other, it
// answers later from a thread of its own.
constexpr api::Operation kLaterOp{.name = "test.later",
                                  .http_method = "POST",
                                  .http_path = "/later",
                                  .access = api::Access::kSession,
                                  .run_on = api::RunOn::kWorker};

TEST_F(UpgradePolicyTest, AnAsynchronousOperationAnswersFromAnotherThreadAfterTheGate) {
  std::vector<std::thread> answering;
  std::atomic<int> called{0};
  router_.AddAsync(kLaterOp,
                   [&](const Request& req, const auth::Principal& who, Responder respond) {
                     ++called;
                     answering.emplace_back([respond, body = req.body, user = who.user_id] {
                       respond(JsonResponse(200, "[\"" + user + "\"," + body + "]"));
                     });
                   });
  Request unauthenticated;
  unauthenticated.method = "POST";
  unauthenticated.path = "/later";
  unauthenticated.body = "1";
  unauthenticated.headers.Set("Content-Type", "application/json");
  Request authorized = unauthenticated;
  authorized.headers.Set("Authorization", "Bearer good");
  EXPECT_EQ(Run(std::move(unauthenticated)).status, 401);
  EXPECT_EQ(called.load(), 0);
  const Response r = Run(std::move(authorized));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[\"u1\",1]");
  EXPECT_EQ(called.load(), 1);
  for (std::thread& t : answering) t.join();
}

}  // namespace
}  // namespace howler::http
