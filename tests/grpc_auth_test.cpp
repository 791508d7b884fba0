// howlerops.v1.AuthService through the real binary, spoken to by a C++ gRPC client as
// another service would: the account flow, the bearer check, field errors, limits and
// lockout with their trailing metadata, request ids, reflection, health, metrics, and the
// same accounts and sessions seen over HTTP.
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "howlerops/v1/auth.grpc.pb.h"
#include "support/api_client.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/smtp_sink.h"

namespace howler::testing {
namespace {

namespace pb = ::howlerops::v1;
using Metadata = std::vector<std::pair<std::string, std::string>>;

// A safety net so a broken server fails the test instead of hanging it; not a measurement.
void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

std::shared_ptr<grpc::Channel> ChannelTo(const ServerProcess& server) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(server.grpc_port()),
                             grpc::InsecureChannelCredentials());
}

// One finished call: its status and the server's metadata.
struct Outcome {
  grpc::Status status;
  std::multimap<std::string, std::string> initial;
  std::multimap<std::string, std::string> trailing;

  grpc::StatusCode code() const { return status.error_code(); }
  std::string message() const { return status.error_message(); }
  std::string Initial(const std::string& key) const { return Find(initial, key); }
  std::string Trailer(const std::string& key) const { return Find(trailing, key); }

 private:
  static std::string Find(const std::multimap<std::string, std::string>& m,
                          const std::string& key) {
    const auto it = m.find(key);
    return it == m.end() ? "" : it->second;
  }
};

std::ostream& operator<<(std::ostream& out, const Outcome& o) {
  return out << "code " << o.code() << " \"" << o.message() << "\" error-code "
             << o.Trailer("error-code");
}

std::multimap<std::string, std::string> Copy(
    const std::multimap<grpc::string_ref, grpc::string_ref>& m) {
  std::multimap<std::string, std::string> out;
  for (const auto& [k, v] : m)
    out.emplace(std::string(k.data(), k.size()), std::string(v.data(), v.size()));
  return out;
}

// Runs `call` with a bearer token (when given) and extra metadata.
Outcome Invoke(const std::function<grpc::Status(grpc::ClientContext*)>& call,
               const std::string& token = {}, const Metadata& metadata = {}) {
  grpc::ClientContext context;
  SetDeadline(context);
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  for (const auto& [k, v] : metadata) context.AddMetadata(k, v);
  Outcome o;
  o.status = call(&context);
  o.initial = Copy(context.GetServerInitialMetadata());
  o.trailing = Copy(context.GetServerTrailingMetadata());
  return o;
}

class GrpcAuthTest : public SharedServerTest<GrpcAuthTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"MAX_LOGIN_ATTEMPTS", "3"}, {"LOCKOUT_DURATION", "10m"}};
  }

 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    stub_ = pb::AuthService::NewStub(ChannelTo(server()));
  }

  Outcome Signup(const std::string& username, const std::string& email, const std::string& password,
                 pb::TokenPair* out) {
    pb::SignupRequest req;
    req.set_username(username);
    req.set_email(email);
    req.set_password(password);
    return Invoke([&](grpc::ClientContext* c) { return stub_->Signup(c, req, out); });
  }
  Outcome Login(const std::string& username, const std::string& password, pb::TokenPair* out,
                const std::string& device = "") {
    pb::LoginRequest req;
    req.set_username(username);
    req.set_password(password);
    req.set_device_name(device);
    return Invoke([&](grpc::ClientContext* c) { return stub_->Login(c, req, out); });
  }
  Outcome Profile(const std::string& token, pb::GetProfileResponse* out,
                  const Metadata& metadata = {}) {
    return Invoke(
        [&](grpc::ClientContext* c) { return stub_->GetProfile(c, pb::GetProfileRequest(), out); },
        token, metadata);
  }
  Outcome Refresh(const std::string& refresh_token, pb::TokenPair* out) {
    pb::RefreshRequest req;
    req.set_refresh_token(refresh_token);
    return Invoke([&](grpc::ClientContext* c) { return stub_->Refresh(c, req, out); });
  }
  Outcome Logout(const std::string& token, bool all_devices, pb::SuccessResponse* out) {
    pb::LogoutRequest req;
    req.set_all_devices(all_devices);
    return Invoke([&](grpc::ClientContext* c) { return stub_->Logout(c, req, out); }, token);
  }
  Outcome RevokeSession(const std::string& token, const std::string& id, pb::SuccessResponse* out) {
    pb::RevokeSessionRequest req;
    req.set_session_id(id);
    return Invoke([&](grpc::ClientContext* c) { return stub_->RevokeSession(c, req, out); }, token);
  }
  // The account has two sessions; the caller's (device "grpc-cli") is marked current.
  void ExpectTwoSessionsWithTheCallersCurrent(const std::string& token) {
    pb::ListSessionsResponse sessions;
    const Outcome o = Invoke(
        [&](grpc::ClientContext* c) {
          return stub_->ListSessions(c, pb::ListSessionsRequest(), &sessions);
        },
        token);
    ASSERT_TRUE(o.status.ok()) << o;
    ASSERT_EQ(sessions.sessions_size(), 2);
    int current = 0;
    for (const pb::Session& s : sessions.sessions()) {
      EXPECT_TRUE(s.has_created_at() && s.has_last_seen_at());
      EXPECT_EQ(s.ip_address(), "127.0.0.1");
      if (!s.current()) continue;
      ++current;
      EXPECT_EQ(s.device_name(), "grpc-cli");
      EXPECT_NE(s.user_agent().find("grpc-c++"), std::string::npos) << s.user_agent();
    }
    EXPECT_EQ(current, 1);
  }
  // A fresh account created over gRPC.
  pb::TokenPair NewAccount(const std::string& prefix) {
    const std::string name = UniqueName(prefix);
    pb::TokenPair pair;
    const Outcome o = Signup(name, name + "@example.com", std::string(kTestPassword), &pair);
    EXPECT_TRUE(o.status.ok()) << o;
    return pair;
  }

  std::unique_ptr<pb::AuthService::Stub> stub_;
};

// --- the account flow ---

TEST_F(GrpcAuthTest, SignupAnswersATokenPairWithTheUser) {
  const std::string name = UniqueName("GSign");
  pb::TokenPair signup;
  const Outcome o = Signup(name, name + "@Example.COM", std::string(kTestPassword), &signup);
  ASSERT_TRUE(o.status.ok()) << o;
  EXPECT_TRUE(signup.success());
  EXPECT_EQ(signup.user().username(), name);
  std::string lower = name + "@example.com";
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  EXPECT_EQ(signup.user().email(), lower);
  EXPECT_EQ(signup.user().role(), "user");
  EXPECT_FALSE(signup.user().email_verified());
  EXPECT_TRUE(signup.user().active());
  EXPECT_TRUE(signup.user().has_created_at() && signup.user().has_last_login());
  EXPECT_EQ(JwtPayload(signup.token()).at("user_id").as_string(), signup.user().id());
  EXPECT_FALSE(signup.refresh_token().empty());
  EXPECT_FALSE(signup.message().empty());
  EXPECT_GT(signup.expires_at().seconds() * 1000, NowUnixMillis());
}

TEST_F(GrpcAuthTest, LoginRefreshProfileSessionsLogoutThenTheTokenIsRejected) {
  const pb::TokenPair signup = NewAccount("GFlow");
  pb::TokenPair login, refreshed;
  ASSERT_TRUE(
      Login(signup.user().username(), std::string(kTestPassword), &login, "grpc-cli").status.ok());
  EXPECT_EQ(login.user().id(), signup.user().id());
  ASSERT_TRUE(Refresh(login.refresh_token(), &refreshed).status.ok());
  EXPECT_NE(refreshed.refresh_token(), login.refresh_token()) << "rotated";

  pb::GetProfileResponse profile;
  ASSERT_TRUE(Profile(refreshed.token(), &profile).status.ok());
  EXPECT_EQ(profile.user().id(), signup.user().id());
  ExpectTwoSessionsWithTheCallersCurrent(refreshed.token());

  pb::SuccessResponse bye;
  ASSERT_TRUE(Logout(refreshed.token(), false, &bye).status.ok());
  EXPECT_TRUE(bye.success());
  const Outcome rejected = Profile(refreshed.token(), &profile);
  EXPECT_EQ(rejected.code(), grpc::StatusCode::UNAUTHENTICATED) << rejected;
  EXPECT_EQ(rejected.Trailer("error-code"), "UNAUTHORIZED");
  EXPECT_EQ(Refresh(refreshed.refresh_token(), &refreshed).code(),
            grpc::StatusCode::UNAUTHENTICATED)
      << "the session ended";
  EXPECT_TRUE(Profile(signup.token(), &profile).status.ok()) << "other sessions live on";
}

TEST_F(GrpcAuthTest, RevokeSessionAndChangePasswordEndOtherSessions) {
  const pb::TokenPair first = NewAccount("GChg");
  pb::TokenPair second, third;
  ASSERT_TRUE(Login(first.user().username(), std::string(kTestPassword), &second).status.ok());
  ASSERT_TRUE(Login(first.user().username(), std::string(kTestPassword), &third).status.ok());

  pb::SuccessResponse ok;
  EXPECT_EQ(RevokeSession(second.token(), "no-such-session", &ok).code(),
            grpc::StatusCode::NOT_FOUND);
  const std::string first_sid(JwtPayload(first.token()).at("sid").as_string());
  ASSERT_TRUE(RevokeSession(second.token(), first_sid, &ok).status.ok());
  pb::GetProfileResponse profile;
  EXPECT_EQ(Profile(first.token(), &profile).code(), grpc::StatusCode::UNAUTHENTICATED);

  pb::ChangePasswordRequest change;
  change.set_current_password(std::string(kTestPassword));
  change.set_new_password("a brand new passphrase");
  const Outcome o =
      Invoke([&](grpc::ClientContext* c) { return stub_->ChangePassword(c, change, &ok); },
             second.token());
  ASSERT_TRUE(o.status.ok()) << o;
  EXPECT_EQ(Profile(third.token(), &profile).code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Profile(second.token(), &profile).status.ok());
  EXPECT_EQ(api().Login(first.user().username(), "a brand new passphrase").status(), 200);
}

// --- errors ---

TEST_F(GrpcAuthTest, AuthenticatedMethodsRefuseCallsWithoutAValidToken) {
  const pb::TokenPair pair = NewAccount("GNoTok");
  pb::SuccessResponse ok;
  const std::vector<std::function<grpc::Status(grpc::ClientContext*)>> calls = {
      [&](grpc::ClientContext* c) {
        pb::GetProfileResponse r;
        return stub_->GetProfile(c, pb::GetProfileRequest(), &r);
      },
      [&](grpc::ClientContext* c) {
        pb::ListSessionsResponse r;
        return stub_->ListSessions(c, pb::ListSessionsRequest(), &r);
      },
      [&](grpc::ClientContext* c) { return stub_->Logout(c, pb::LogoutRequest(), &ok); },
      [&](grpc::ClientContext* c) {
        pb::RevokeSessionRequest r;
        r.set_session_id("x");
        return stub_->RevokeSession(c, r, &ok);
      },
      [&](grpc::ClientContext* c) {
        pb::ChangePasswordRequest r;
        r.set_current_password(std::string(kTestPassword));
        r.set_new_password("another passphrase");
        return stub_->ChangePassword(c, r, &ok);
      },
      [&](grpc::ClientContext* c) {
        return stub_->ResendVerification(c, pb::ResendVerificationRequest(), &ok);
      },
  };
  for (std::size_t i = 0; i < calls.size(); ++i) {
    for (const std::string& token : {std::string(), std::string("not-a-jwt")}) {
      const Outcome o = Invoke(calls[i], token);
      EXPECT_EQ(o.code(), grpc::StatusCode::UNAUTHENTICATED) << "call " << i << ": " << o;
      EXPECT_EQ(o.Trailer("error-code"), "UNAUTHORIZED");
    }
  }
  // A lower-case scheme is fine; the token itself is what matters.
  pb::GetProfileResponse profile;
  EXPECT_TRUE(Profile("", &profile, {{"authorization", "bearer " + pair.token()}}).status.ok());
  // The account was not touched by the refused ChangePassword.
  EXPECT_TRUE(Profile(pair.token(), &profile).status.ok());
}

TEST_F(GrpcAuthTest, InvalidInputIsInvalidArgumentNamingTheField) {
  pb::TokenPair pair;
  Outcome o = Signup("gmissing", "", std::string(kTestPassword), &pair);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << o;
  EXPECT_EQ(o.message(), "email is required");
  EXPECT_EQ(o.Trailer("error-code"), "INVALID_REQUEST");

  o = Signup("a", "a@example.com", std::string(kTestPassword), &pair);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << o;
  EXPECT_NE(o.message().find("username"), std::string::npos) << o;

  o = Signup(UniqueName("GShort"), "short@example.com", "short", &pair);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << o;
  EXPECT_NE(o.message().find("password"), std::string::npos) << o;

  o = Login("someone", "", &pair);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << o;
  EXPECT_EQ(o.message(), "password is required");

  pb::RequestPasswordResetRequest reset;
  reset.set_email("not-an-address");
  pb::SuccessResponse ok;
  o = Invoke([&](grpc::ClientContext* c) { return stub_->RequestPasswordReset(c, reset, &ok); });
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << o;
  EXPECT_NE(o.message().find("email"), std::string::npos) << o;

  pb::VerifyEmailRequest verify;
  verify.set_token("no-such-token");
  o = Invoke([&](grpc::ClientContext* c) { return stub_->VerifyEmail(c, verify, &ok); });
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << o;
}

TEST_F(GrpcAuthTest, TakenNameIsAlreadyExistsWithTheConflictCode) {
  const pb::TokenPair first = NewAccount("GTaken");
  pb::TokenPair pair;
  const Outcome o = Signup(first.user().username(), "other-" + first.user().email(),
                           std::string(kTestPassword), &pair);
  EXPECT_EQ(o.code(), grpc::StatusCode::ALREADY_EXISTS) << o;
  EXPECT_EQ(o.message(), "username or email already exists");
  EXPECT_EQ(o.Trailer("error-code"), "CONFLICT");
}

TEST_F(GrpcAuthTest, LockoutIsResourceExhaustedWithRetryAfter) {
  const pb::TokenPair account = NewAccount("GLock");
  pb::TokenPair pair;
  for (int i = 0; i < 3; ++i) {  // MAX_LOGIN_ATTEMPTS=3
    const Outcome o = Login(account.user().username(), "wrong password!", &pair);
    EXPECT_EQ(o.code(), grpc::StatusCode::UNAUTHENTICATED) << o;
    EXPECT_EQ(o.message(), "invalid username or password");
  }
  const Outcome o = Login(account.user().username(), std::string(kTestPassword), &pair);
  EXPECT_EQ(o.code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << o;
  EXPECT_EQ(o.Trailer("error-code"), "ACCOUNT_LOCKED");
  EXPECT_GE(std::atoi(o.Trailer("retry-after").c_str()), 1) << o.Trailer("retry-after");
}

TEST_F(GrpcAuthTest, ResendVerificationTooSoonCarriesRetryAfter) {
  const pb::TokenPair account = NewAccount("GResend");
  pb::SuccessResponse ok;
  const Outcome o = Invoke(
      [&](grpc::ClientContext* c) {
        return stub_->ResendVerification(c, pb::ResendVerificationRequest(), &ok);
      },
      account.token());
  EXPECT_EQ(o.code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << "signup just sent one: " << o;
  EXPECT_EQ(o.Trailer("error-code"), "RATE_LIMITED");
  EXPECT_GE(std::atoi(o.Trailer("retry-after").c_str()), 1);
}

TEST_F(GrpcAuthTest, AnExpiredDeadlineIsNotWorkedOn) {
  const std::string name = UniqueName("GLate");
  pb::SignupRequest req;
  req.set_username(name);
  req.set_email(name + "@example.com");
  req.set_password(std::string(kTestPassword));
  pb::TokenPair pair;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  EXPECT_EQ(stub_->Signup(&context, req, &pair).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(api().Signup(name, name + "@example.com", std::string(kTestPassword)).status(), 201)
      << "the late call created nothing";
}

// --- metadata, discovery, health, metrics ---

TEST_F(GrpcAuthTest, RequestIdIsEchoedOrGenerated) {
  pb::GetProfileResponse profile;
  const Outcome echoed = Profile("", &profile, {{"x-request-id", "trace-abc.123"}});
  EXPECT_EQ(echoed.code(), grpc::StatusCode::UNAUTHENTICATED);
  const std::string seen = echoed.Initial("x-request-id") + echoed.Trailer("x-request-id");
  EXPECT_EQ(seen, "trace-abc.123");

  const pb::TokenPair account = NewAccount("GReqId");
  const Outcome generated = Profile(account.token(), &profile, {{"x-request-id", "bad id!"}});
  ASSERT_TRUE(generated.status.ok());
  EXPECT_TRUE(std::regex_match(generated.Initial("x-request-id"),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-"
                                          "[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << generated.Initial("x-request-id");
}

// ServerReflectionInfo with a hand-encoded ServerReflectionRequest{list_services: "*"}
// (Debian ships no reflection headers); the answer is read with UnknownFieldSet:
// ServerReflectionResponse.list_services_response (6) -> service (1) -> name (1).
std::vector<std::string> ReflectedServices(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  SetDeadline(context);
  const grpc::internal::RpcMethod method(
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
          channel.get(), method, &context));
  grpc::Slice request(std::string("\x3a\x01*", 3));
  stream->Write(grpc::ByteBuffer(&request, 1));
  stream->WritesDone();
  grpc::ByteBuffer reply;
  const bool read = stream->Read(&reply);
  EXPECT_TRUE(stream->Finish().ok());
  if (!read) return {};
  std::vector<grpc::Slice> slices;
  (void)reply.Dump(&slices);
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());

  std::vector<std::string> names;
  google::protobuf::UnknownFieldSet response, list;
  if (!response.ParseFromString(bytes)) return {};
  for (int i = 0; i < response.field_count(); ++i) {
    if (response.field(i).number() == 6)
      (void)list.ParseFromString(response.field(i).length_delimited());
  }
  for (int i = 0; i < list.field_count(); ++i) {
    google::protobuf::UnknownFieldSet service;
    if (list.field(i).number() == 1 && service.ParseFromString(list.field(i).length_delimited()) &&
        service.field_count() > 0) {
      names.push_back(service.field(0).length_delimited());
    }
  }
  return names;
}

TEST_F(GrpcAuthTest, ReflectionListsBothServices) {
  const std::vector<std::string> names = ReflectedServices(ChannelTo(server()));
  EXPECT_NE(std::find(names.begin(), names.end(), "howlerops.v1.AuthService"), names.end())
      << ::testing::PrintToString(names);
  EXPECT_NE(std::find(names.begin(), names.end(), "howlerops.v1.SyncService"), names.end())
      << ::testing::PrintToString(names);
  EXPECT_NE(std::find(names.begin(), names.end(), "grpc.health.v1.Health"), names.end());
}

TEST_F(GrpcAuthTest, HealthKnowsTheAuthService) {
  auto health = grpc::health::v1::Health::NewStub(ChannelTo(server()));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service("howlerops.v1.AuthService");
  grpc::health::v1::HealthCheckResponse res;
  const Outcome o = Invoke([&](grpc::ClientContext* c) { return health->Check(c, req, &res); });
  ASSERT_TRUE(o.status.ok()) << o;
  EXPECT_EQ(res.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(GrpcAuthTest, CallsAreCountedByMethodAndCode) {
  pb::GetProfileResponse profile;
  EXPECT_EQ(Profile("", &profile).code(), grpc::StatusCode::UNAUTHENTICATED);
  const HttpResult m = HttpGet(server().metrics_url() + "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_TRUE(std::regex_search(
      m.body, std::regex("sql_studio_grpc_requests_total\\{[^}]*code=\"UNAUTHENTICATED\"[^}]*"
                         "method=\"howlerops.v1.AuthService/GetProfile\"[^}]*\\} [1-9]")))
      << m.body.substr(0, 2000);
  EXPECT_NE(m.body.find("sql_studio_grpc_request_duration_seconds_count{method=\"howlerops.v1."
                        "AuthService/GetProfile\"}"),
            std::string::npos);
}

// --- one account, two transports ---

TEST_F(GrpcAuthTest, AnAccountMadeOverGrpcSignsInOverHttpAndBack) {
  const pb::TokenPair grpc_made = NewAccount("GtoH");
  const ApiResponse http_login =
      api().Login(grpc_made.user().username(), std::string(kTestPassword));
  ASSERT_EQ(http_login.status(), 200) << http_login;
  EXPECT_EQ(http_login.UserObject().at("id").as_string(), grpc_made.user().id());
  EXPECT_EQ(api().Me(grpc_made.token()).status(), 200) << "a gRPC token works over HTTP";

  const TestAccount http_made = CreateAccount(api(), "HtoG");
  pb::TokenPair pair;
  ASSERT_TRUE(Login(http_made.username, http_made.password, &pair).status.ok());
  EXPECT_EQ(pair.user().id(), http_made.user_id);
  pb::GetProfileResponse profile;
  ASSERT_TRUE(Profile(http_made.token, &profile).status.ok()) << "an HTTP token works over gRPC";
  EXPECT_EQ(profile.user().email(), http_made.email);

  pb::SuccessResponse ok;
  ASSERT_TRUE(Logout(pair.token(), /*all_devices=*/true, &ok).status.ok());
  EXPECT_EQ(api().Me(http_made.token).status(), 401) << "a gRPC logout ends HTTP sessions";
}

// --- the per-IP limit, with its own server (the budget is spent by the test) ---

class GrpcRateLimitTest : public SharedServerTest<GrpcRateLimitTest> {
 public:
  static std::map<std::string, std::string> ExtraEnv() {
    return {{"RATE_LIMIT_AUTH_PER_MIN", "3"}};
  }
};

TEST_F(GrpcRateLimitTest, PerIpLimitIsResourceExhaustedAndSharedWithHttp) {
  auto stub = pb::AuthService::NewStub(ChannelTo(server()));
  pb::RefreshRequest req;
  req.set_refresh_token("not-a-refresh-token");
  pb::TokenPair pair;
  auto refresh = [&](grpc::ClientContext* c) { return stub->Refresh(c, req, &pair); };
  for (int i = 0; i < 3; ++i) {
    const Outcome o = Invoke(refresh);
    EXPECT_EQ(o.code(), grpc::StatusCode::UNAUTHENTICATED) << i << ": " << o;
  }
  const Outcome limited = Invoke(refresh);
  EXPECT_EQ(limited.code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << limited;
  EXPECT_EQ(limited.Trailer("error-code"), "RATE_LIMITED");
  EXPECT_GE(std::atoi(limited.Trailer("retry-after").c_str()), 1) << limited.Trailer("retry-after");

  // Reads are not throttled; HTTP draws on the same per-IP budget.
  pb::GetProfileResponse profile;
  EXPECT_EQ(Invoke([&](grpc::ClientContext* c) {
              return stub->GetProfile(c, pb::GetProfileRequest(), &profile);
            }).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(api().Refresh("not-a-refresh-token").status(), 429);
}

// --- password reset, with its own server mailing to an SMTP sink ---

// The token of the reset email to `to`, polled for up to 20 s (the server sends it in the
// background after answering); empty when none came.
std::string MailedResetToken(const SmtpSink& sink, const std::string& to) {
  for (int i = 0; i < 400; ++i) {
    for (const SmtpSink::Message& m : sink.Messages()) {
      if (std::find(m.to.begin(), m.to.end(), to) == m.to.end()) continue;
      std::string token = ExtractTokenFromLink(m.text, "/reset-password");
      if (!token.empty()) return token;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

TEST(GrpcPasswordResetTest, ResetSetsTheNewPasswordEndsEverySessionAndIsSingleUse) {
  SmtpSink sink;
  TempDir dir;
  ServerProcess server(dir.path(),
                       AuthServerConfig({{"SMTP_URL", sink.url()},
                                         {"EMAIL_BASE_URL", "https://app.howlerops.test"},
                                         {"RESEND_FROM_EMAIL", "noreply@howlerops.test"}}));
  ASSERT_TRUE(server.ready()) << server.Output();
  auto stub = pb::AuthService::NewStub(ChannelTo(server));
  const TestAccount a = CreateAccount(ApiClient(server.base_url()), "GReset");
  auto login = [&](const std::string& password, pb::TokenPair* out) {
    pb::LoginRequest req;
    req.set_username(a.username);
    req.set_password(password);
    return Invoke([&](grpc::ClientContext* c) { return stub->Login(c, req, out); });
  };
  auto reset = [&](const std::string& token, const std::string& password) {
    pb::ResetPasswordRequest req;
    req.set_token(token);
    req.set_new_password(password);
    pb::SuccessResponse ok;
    return Invoke([&](grpc::ClientContext* c) { return stub->ResetPassword(c, req, &ok); });
  };
  pb::TokenPair other;
  ASSERT_TRUE(login(a.password, &other).status.ok());

  pb::RequestPasswordResetRequest request;
  request.set_email(a.email);
  pb::SuccessResponse requested;
  const Outcome o = Invoke(
      [&](grpc::ClientContext* c) { return stub->RequestPasswordReset(c, request, &requested); });
  ASSERT_TRUE(o.status.ok()) << o;
  EXPECT_TRUE(requested.success());
  const std::string token = MailedResetToken(sink, a.email);
  ASSERT_FALSE(token.empty()) << "no reset email to " << a.email;

  const Outcome weak = reset(token, "short");
  EXPECT_EQ(weak.code(), grpc::StatusCode::INVALID_ARGUMENT) << weak;
  EXPECT_NE(weak.message().find("new_password"), std::string::npos) << weak;
  EXPECT_EQ(weak.Trailer("error-code"), "INVALID_REQUEST");
  const Outcome done = reset(token, "a brand new passphrase");
  ASSERT_TRUE(done.status.ok()) << "the weak password did not spend the token: " << done;

  pb::TokenPair pair;
  EXPECT_EQ(login(a.password, &pair).code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(login("a brand new passphrase", &pair).status.ok());
  for (const std::string& old_token : {a.token, other.token()}) {
    pb::GetProfileResponse profile;
    EXPECT_EQ(Invoke(
                  [&](grpc::ClientContext* c) {
                    return stub->GetProfile(c, pb::GetProfileRequest(), &profile);
                  },
                  old_token)
                  .code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << "sessions from before the reset are ended";
  }
  const Outcome reused = reset(token, "yet another passphrase");
  EXPECT_EQ(reused.code(), grpc::StatusCode::INVALID_ARGUMENT) << reused;
  EXPECT_TRUE(login("a brand new passphrase", &pair).status.ok()) << "the reuse changed nothing";
}

}  // namespace
}  // namespace howler::testing
