// CallRunner in process: a test service on a real GrpcServer, a fake authenticator, real
// rate limiters and a one-thread hash pool. The same wrapper through the real binary is
// exercised by tests/grpc_auth_test.cpp.
#include "grpc/call_runner.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>
#include <thread>

#include "api/gate.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"
#include "common/worker_pool.h"
#include "grpc/grpc_server.h"
#include "howlerops/v1/auth.grpc.pb.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;

// "good-<user>" is user <user>; anything else is refused.
Result<auth::Principal> FakeAuthenticate(std::string_view token) {
  if (token.rfind("good-", 0) != 0) return UnauthenticatedError("invalid or expired token");
  auth::Principal p;
  p.user_id = std::string(token.substr(5));
  return p;
}

// Three test operations with three policies.
constexpr api::Operation kProfileOp{.name = "test.profile",
                                    .grpc_method = "test/GetProfile",
                                    .access = api::Access::kSession,
                                    .budget = api::Budget::kSyncPerUser,
                                    .run_on = api::RunOn::kInlineRead};
constexpr api::Operation kSignupOp{.name = "test.signup",
                                   .grpc_method = "test/Signup",
                                   .access = api::Access::kPublic,
                                   .run_on = api::RunOn::kHashPool};
constexpr api::Operation kLoginOp{.name = "test.login",
                                  .grpc_method = "test/Login",
                                  .access = api::Access::kPublic,
                                  .budget = api::Budget::kAuthPerIp,
                                  .run_on = api::RunOn::kWorker};

// Three methods with three policies; each handler counts its runs and reports what it saw.
class TestService final : public pb::AuthService::Service {
 public:
  explicit TestService(CallDeps deps) : calls_(std::move(deps)) {}

  // Authenticated, limited per user: answers the user id and the request id.
  grpc::Status GetProfile(grpc::ServerContext* ctx, const pb::GetProfileRequest*,
                          pb::GetProfileResponse* res) override {
    return calls_.Run(*ctx, kProfileOp, [&](const CallInfo& call) {
      ++runs;
      res->mutable_user()->set_id(call.principal.user_id);
      res->mutable_user()->set_username(call.request_id);
      return Status::Ok();
    });
  }
  // Public, on the hash pool: answers the client address.
  grpc::Status Signup(grpc::ServerContext* ctx, const pb::SignupRequest*,
                      pb::TokenPair* res) override {
    deadline = ctx->deadline();
    return calls_.Run(*ctx, kSignupOp, [&](const CallInfo& call) {
      ++runs;
      res->mutable_user()->set_email(call.client.ip);
      return Status::Ok();
    });
  }
  // Public, limited per IP: throws for the password "throw".
  grpc::Status Login(grpc::ServerContext* ctx, const pb::LoginRequest* req,
                     pb::TokenPair*) override {
    return calls_.Run(*ctx, kLoginOp, [&](const CallInfo&) -> Status {
      ++runs;
      if (req->password() == "throw") throw std::runtime_error("at /secret/path");
      return Status::Ok();
    });
  }

  std::atomic<int> runs{0};
  std::atomic<std::chrono::system_clock::time_point> deadline{};

 private:
  CallRunner calls_;
};

class CallRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GrpcServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    server_.AddService(&service_);
    ASSERT_TRUE(server_.Start().ok());
    stub_ = pb::AuthService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_.port()), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    Release();
    server_.Shutdown(std::chrono::milliseconds(0));
    pool_.Shutdown();
  }

  // A context with a safety-net deadline (not a measurement) and optional metadata.
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token = {},
                                                      const std::string& request_id = {}) {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!token.empty()) c->AddMetadata("authorization", "Bearer " + token);
    if (!request_id.empty()) c->AddMetadata("x-request-id", request_id);
    return c;
  }
  static std::string Trailer(const grpc::ClientContext& c, const std::string& key) {
    const auto& m = c.GetServerTrailingMetadata();
    const auto it = m.find(key);
    return it == m.end() ? "" : std::string(it->second.data(), it->second.size());
  }
  grpc::Status Profile(const std::string& token, pb::GetProfileResponse* res) {
    return stub_->GetProfile(Context(token).get(), pb::GetProfileRequest(), res);
  }
  // Occupies the pool's only thread until Release(); returns once the blocker runs.
  void BlockThePool() {
    ASSERT_TRUE(pool_.TrySubmit([f = release_.get_future().share()] { f.wait(); }));
    ASSERT_TRUE(Eventually([&] { return pool_.queued() == 0; }));
  }
  void Release() {
    if (!released_.exchange(true)) release_.set_value();
  }
  // Polls a condition that other threads make true soon (a bounded wait, not a measurement).
  static bool Eventually(const std::function<bool()>& condition) {
    for (int i = 0; i < 2000 && !condition(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
  }

  ManualClock clock_;
  auth::RateLimiter ip_limiter_{2, 100, clock_};
  auth::RateLimiter user_limiter_{2, 100, clock_};
  WorkerPool pool_{"test-hash", 1, 1};
  std::promise<void> release_;
  std::atomic<bool> released_{false};
  api::Gate gate_{api::GateDeps{FakeAuthenticate, &ip_limiter_, &user_limiter_}};
  TestService service_{CallDeps{&gate_, nullptr, &pool_, {}}};
  GrpcServer server_{GrpcServerOptions{"127.0.0.1", 0}, [] { return Status::Ok(); }};
  std::unique_ptr<pb::AuthService::Stub> stub_;
};

TEST_F(CallRunnerTest, PublicCallRunsWithoutATokenAndSeesThePeer) {
  pb::TokenPair res;
  auto c = Context();
  ASSERT_TRUE(stub_->Signup(c.get(), pb::SignupRequest(), &res).ok());
  EXPECT_EQ(res.user().email(), "127.0.0.1");
  EXPECT_EQ(service_.runs, 1);
  EXPECT_EQ(c->GetServerInitialMetadata().count("x-request-id"), 1u);
}

TEST_F(CallRunnerTest, AuthenticatedCallNeedsAValidBearerToken) {
  pb::GetProfileResponse res;
  auto none = Context();
  const grpc::Status refused = stub_->GetProfile(none.get(), pb::GetProfileRequest(), &res);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(refused.error_message(), "missing or malformed bearer token");
  EXPECT_EQ(Trailer(*none, "error-code"), "UNAUTHORIZED");
  EXPECT_EQ(Profile("bad", &res).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(service_.runs, 0);
  ASSERT_TRUE(Profile("good-u1", &res).ok());
  EXPECT_EQ(res.user().id(), "u1");
}

TEST_F(CallRunnerTest, RequestIdIsEchoedAndHandedToTheHandler) {
  pb::GetProfileResponse res;
  auto c = Context("good-u1", "trace-1");
  ASSERT_TRUE(stub_->GetProfile(c.get(), pb::GetProfileRequest(), &res).ok());
  EXPECT_EQ(res.user().username(), "trace-1");
  const auto& initial = c->GetServerInitialMetadata();
  ASSERT_EQ(initial.count("x-request-id"), 1u);
  EXPECT_EQ(initial.find("x-request-id")->second, "trace-1");
}

TEST_F(CallRunnerTest, PerUserLimitIsResourceExhaustedWithRetryAfter) {
  pb::GetProfileResponse res;
  EXPECT_TRUE(Profile("good-u1", &res).ok());
  EXPECT_TRUE(Profile("good-u1", &res).ok());
  auto c = Context("good-u1");
  const grpc::Status limited = stub_->GetProfile(c.get(), pb::GetProfileRequest(), &res);
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Trailer(*c, "error-code"), "RATE_LIMITED");
  EXPECT_GE(std::stoi("0" + Trailer(*c, "retry-after")), 1);
  EXPECT_TRUE(Profile("good-u2", &res).ok()) << "another user has their own budget";
  EXPECT_EQ(service_.runs, 3);
}

TEST_F(CallRunnerTest, PerIpLimitStopsCallsBeforeTheHandler) {
  pb::TokenPair res;
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(stub_->Login(Context().get(), {}, &res).ok());
  EXPECT_EQ(stub_->Login(Context().get(), {}, &res).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(service_.runs, 2);
}

TEST_F(CallRunnerTest, AThrowingHandlerIsInternalWithoutItsDetails) {
  pb::LoginRequest req;
  req.set_password("throw");
  pb::TokenPair res;
  const grpc::Status s = stub_->Login(Context().get(), req, &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(s.error_message(), "internal error");
}

TEST_F(CallRunnerTest, AFullHashPoolIsUnavailableWithRetryAfter) {
  BlockThePool();
  ASSERT_TRUE(pool_.TrySubmit([] {}));  // the queue is full now
  pb::TokenPair res;
  auto c = Context();
  const grpc::Status s = stub_->Signup(c.get(), pb::SignupRequest(), &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Trailer(*c, "retry-after"), "1");
  EXPECT_EQ(service_.runs, 0);
}

TEST_F(CallRunnerTest, ACallWhoseDeadlinePassedInTheQueueIsNotWorkedOn) {
  BlockThePool();
  grpc::Status status;
  std::thread client([&] {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
    pb::TokenPair res;
    status = stub_->Signup(&c, pb::SignupRequest(), &res);
  });
  // The call waits in the queue; then its deadline passes (the handler recorded it).
  const bool queued = Eventually([&] { return pool_.queued() == 1; });
  const bool expired = queued && Eventually([&] {
                         return std::chrono::system_clock::now() > service_.deadline.load();
                       });
  Release();
  client.join();
  ASSERT_TRUE(queued && expired);
  pool_.Shutdown();  // runs what is queued
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(service_.runs, 0);
}

TEST(PeerAddressTest, TakesTheAddressOutOfGrpcPeerStrings) {
  EXPECT_EQ(PeerAddress("ipv4:127.0.0.1:54321"), "127.0.0.1");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:54321"), "::1");
  EXPECT_EQ(PeerAddress("ipv6:%5B::1%5D:54321"), "::1");
  EXPECT_EQ(PeerAddress("ipv6:%5B2001:db8::7%5D:443"), "2001:db8::7");
  EXPECT_EQ(PeerAddress("unix:/tmp/socket"), "unix:/tmp/socket");
  EXPECT_EQ(PeerAddress("%zz"), "%zz");
}

// TRUSTED_PROXIES applies to gRPC as to HTTP: a trusted peer's x-forwarded-for names the
// client; an untrusted peer's is ignored.
TEST(CallRunnerProxyTest, ForwardedForIsTrustedOnlyFromConfiguredProxies) {
  ManualClock clock;
  auth::RateLimiter limiter{100, 100, clock};
  WorkerPool pool{"test-hash", 1, 4};
  api::Gate gate{api::GateDeps{FakeAuthenticate, &limiter, &limiter}};
  for (const bool trusted : {true, false}) {
    std::vector<std::string> proxies;
    if (trusted) proxies = {"127.0.0.0/8"};
    TestService service{CallDeps{&gate, nullptr, &pool, proxies}};
    GrpcServer server{GrpcServerOptions{"127.0.0.1", 0}, [] { return Status::Ok(); }};
    server.AddService(&service);
    ASSERT_TRUE(server.Start().ok());
    auto stub = pb::AuthService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials()));
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    c.AddMetadata("x-forwarded-for", "6.6.6.6, 203.0.113.7");
    pb::TokenPair res;
    ASSERT_TRUE(stub->Signup(&c, pb::SignupRequest(), &res).ok());
    EXPECT_EQ(res.user().email(), trusted ? "203.0.113.7" : "127.0.0.1");
    server.Shutdown(std::chrono::milliseconds(0));
  }
  pool.Shutdown();
}

}  // namespace
}  // namespace howler::grpcsvc
