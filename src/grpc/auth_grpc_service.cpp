#include "grpc/auth_grpc_service.h"

#include <cstddef>
#include <string>

#include "auth/auth_service.h"
#include "common/time_format.h"
#include "grpc/call_runner.h"
#include "grpc/message_fields.h"
#include "howlerops/v1/auth.grpc.pb.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;

// Each method's policy is its HTTP endpoint's (http/auth_handlers.cpp, AddAuthRoutes):
// public or Bearer, throttled per IP or not, on the hash pool when it hashes a password.
#define HOWLER_AUTH_METHOD(name) "howlerops.v1.AuthService/" #name
constexpr CallPolicy kSignup{HOWLER_AUTH_METHOD(Signup), false, RateLimit::kPerIp,
                             Dispatch::kHashPool};
constexpr CallPolicy kLogin{HOWLER_AUTH_METHOD(Login), false, RateLimit::kPerIp,
                            Dispatch::kHashPool};
constexpr CallPolicy kRefresh{HOWLER_AUTH_METHOD(Refresh), false, RateLimit::kPerIp};
constexpr CallPolicy kLogout{HOWLER_AUTH_METHOD(Logout)};
constexpr CallPolicy kGetProfile{HOWLER_AUTH_METHOD(GetProfile)};
constexpr CallPolicy kListSessions{HOWLER_AUTH_METHOD(ListSessions)};
constexpr CallPolicy kRevokeSession{HOWLER_AUTH_METHOD(RevokeSession)};
constexpr CallPolicy kChangePassword{HOWLER_AUTH_METHOD(ChangePassword), true, RateLimit::kPerIp,
                                     Dispatch::kHashPool};
constexpr CallPolicy kVerifyEmail{HOWLER_AUTH_METHOD(VerifyEmail), false, RateLimit::kPerIp};
constexpr CallPolicy kResendVerification{HOWLER_AUTH_METHOD(ResendVerification), true,
                                         RateLimit::kPerIp};
constexpr CallPolicy kRequestPasswordReset{HOWLER_AUTH_METHOD(RequestPasswordReset), false,
                                           RateLimit::kPerIp};
constexpr CallPolicy kResetPassword{HOWLER_AUTH_METHOD(ResetPassword), false, RateLimit::kPerIp,
                                    Dispatch::kHashPool};
#undef HOWLER_AUTH_METHOD

// Length limits of the HTTP handlers; other fields use kDefaultMaxFieldBytes.
constexpr std::size_t kDeviceNameMax = 128;
constexpr std::size_t kLoginNameMax = 1024;
constexpr std::size_t kTokenMax = 1024;
constexpr std::size_t kEmailMax = 254;
constexpr std::size_t kSessionIdMax = 128;

void ToProto(const storage::UserRecord& u, pb::User* out) {
  out->set_id(u.id);
  out->set_username(u.username);
  out->set_email(u.email);
  out->set_role(u.role);
  out->set_email_verified(u.email_verified);
  out->set_active(u.active);
  SetTimestamp(u.created_at, out->mutable_created_at());
  SetTimestamp(u.updated_at, out->mutable_updated_at());
  if (u.last_login_at) SetTimestamp(*u.last_login_at, out->mutable_last_login());
}

void ToProto(const auth::TokenPair& pair, std::string_view message, pb::TokenPair* out) {
  out->set_success(true);
  ToProto(pair.user, out->mutable_user());
  out->set_token(pair.access_token);
  out->set_refresh_token(pair.refresh_token);
  SetTimestamp(ToUnixMillis(pair.access_expires_at), out->mutable_expires_at());
  out->set_message(std::string(message));
}

void ToProto(const storage::SessionRecord& s, bool current, pb::Session* out) {
  out->set_id(s.id);
  out->set_device_name(s.device_name);
  out->set_ip_address(s.ip_address);
  out->set_user_agent(s.user_agent);
  SetTimestamp(s.created_at, out->mutable_created_at());
  SetTimestamp(s.last_seen_at, out->mutable_last_seen_at());
  out->set_current(current);
}

// Fills a SuccessResponse when `status` is OK; returns `status` either way.
Status Succeed(Status status, std::string_view message, pb::SuccessResponse* out) {
  if (!status.ok()) return status;
  out->set_success(true);
  out->set_message(std::string(message));
  return status;
}

}  // namespace

class AuthGrpcService::Impl final : public pb::AuthService::Service {
 public:
  explicit Impl(AuthGrpcDeps deps)
      : auth_(deps.service),
        calls_(CallDeps{AuthenticatorOf(deps.service), deps.metrics, &deps.ip_limiter, nullptr,
                        &deps.hash_pool}) {}

  using Ctx = grpc::ServerContext;
  grpc::Status Signup(Ctx* ctx, const pb::SignupRequest* req, pb::TokenPair* res) override;
  grpc::Status Login(Ctx* ctx, const pb::LoginRequest* req, pb::TokenPair* res) override;
  grpc::Status Refresh(Ctx* ctx, const pb::RefreshRequest* req, pb::TokenPair* res) override;
  grpc::Status Logout(Ctx* ctx, const pb::LogoutRequest* req, pb::SuccessResponse* res) override;
  grpc::Status GetProfile(Ctx* ctx, const pb::GetProfileRequest* req,
                          pb::GetProfileResponse* res) override;
  grpc::Status ListSessions(Ctx* ctx, const pb::ListSessionsRequest* req,
                            pb::ListSessionsResponse* res) override;
  grpc::Status RevokeSession(Ctx* ctx, const pb::RevokeSessionRequest* req,
                             pb::SuccessResponse* res) override;
  grpc::Status ChangePassword(Ctx* ctx, const pb::ChangePasswordRequest* req,
                              pb::SuccessResponse* res) override;
  grpc::Status VerifyEmail(Ctx* ctx, const pb::VerifyEmailRequest* req,
                           pb::SuccessResponse* res) override;
  grpc::Status ResendVerification(Ctx* ctx, const pb::ResendVerificationRequest* req,
                                  pb::SuccessResponse* res) override;
  grpc::Status RequestPasswordReset(Ctx* ctx, const pb::RequestPasswordResetRequest* req,
                                    pb::SuccessResponse* res) override;
  grpc::Status ResetPassword(Ctx* ctx, const pb::ResetPasswordRequest* req,
                             pb::SuccessResponse* res) override;

 private:
  auth::AuthService& auth_;
  CallRunner calls_;
};

grpc::Status AuthGrpcService::Impl::Signup(Ctx* ctx, const pb::SignupRequest* req,
                                           pb::TokenPair* res) {
  return calls_.Run(*ctx, kSignup, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(RequiredField("username", req->username()));
    HOWLER_RETURN_IF_ERROR(RequiredField("email", req->email()));
    HOWLER_RETURN_IF_ERROR(RequiredField("password", req->password()));
    HOWLER_RETURN_IF_ERROR(OptionalField("device_name", req->device_name(), kDeviceNameMax));
    HOWLER_ASSIGN_OR_RETURN(
        auth::TokenPair pair,
        auth_.Signup({req->username(), req->email(), req->password(), req->device_name()},
                     call.client));
    ToProto(pair, "account created; check your email to verify your address", res);
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::Login(Ctx* ctx, const pb::LoginRequest* req,
                                          pb::TokenPair* res) {
  return calls_.Run(*ctx, kLogin, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(RequiredField("username", req->username(), kLoginNameMax));
    HOWLER_RETURN_IF_ERROR(RequiredField("password", req->password()));
    HOWLER_RETURN_IF_ERROR(OptionalField("device_name", req->device_name(), kDeviceNameMax));
    HOWLER_ASSIGN_OR_RETURN(
        auth::TokenPair pair,
        auth_.Login({req->username(), req->password(), req->device_name()}, call.client));
    ToProto(pair, "", res);
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::Refresh(Ctx* ctx, const pb::RefreshRequest* req,
                                            pb::TokenPair* res) {
  return calls_.Run(*ctx, kRefresh, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(RequiredField("refresh_token", req->refresh_token(), kTokenMax));
    HOWLER_ASSIGN_OR_RETURN(auth::TokenPair pair, auth_.Refresh(req->refresh_token(), call.client));
    ToProto(pair, "", res);
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::Logout(Ctx* ctx, const pb::LogoutRequest* req,
                                           pb::SuccessResponse* res) {
  return calls_.Run(*ctx, kLogout, [&](const CallInfo& call) {
    return Succeed(auth_.Logout(call.principal, req->all_devices(), call.client), "", res);
  });
}

grpc::Status AuthGrpcService::Impl::GetProfile(Ctx* ctx, const pb::GetProfileRequest*,
                                               pb::GetProfileResponse* res) {
  return calls_.Run(*ctx, kGetProfile, [&](const CallInfo& call) -> Status {
    HOWLER_ASSIGN_OR_RETURN(storage::UserRecord user, auth_.Profile(call.principal));
    ToProto(user, res->mutable_user());
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::ListSessions(Ctx* ctx, const pb::ListSessionsRequest*,
                                                 pb::ListSessionsResponse* res) {
  return calls_.Run(*ctx, kListSessions, [&](const CallInfo& call) -> Status {
    HOWLER_ASSIGN_OR_RETURN(auto sessions, auth_.ListSessions(call.principal));
    for (const storage::SessionRecord& s : sessions) {
      ToProto(s, s.id == call.principal.session_id, res->add_sessions());
    }
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::RevokeSession(Ctx* ctx, const pb::RevokeSessionRequest* req,
                                                  pb::SuccessResponse* res) {
  return calls_.Run(*ctx, kRevokeSession, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(RequiredField("session_id", req->session_id(), kSessionIdMax));
    return Succeed(auth_.RevokeSession(call.principal, req->session_id(), call.client),
                   "session revoked", res);
  });
}

grpc::Status AuthGrpcService::Impl::ChangePassword(Ctx* ctx, const pb::ChangePasswordRequest* req,
                                                   pb::SuccessResponse* res) {
  return calls_.Run(*ctx, kChangePassword, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(RequiredField("current_password", req->current_password()));
    HOWLER_RETURN_IF_ERROR(RequiredField("new_password", req->new_password()));
    return Succeed(auth_.ChangePassword(call.principal, req->current_password(),
                                        req->new_password(), call.client),
                   "password changed; other sessions were signed out", res);
  });
}

grpc::Status AuthGrpcService::Impl::VerifyEmail(Ctx* ctx, const pb::VerifyEmailRequest* req,
                                                pb::SuccessResponse* res) {
  return calls_.Run(*ctx, kVerifyEmail, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(RequiredField("token", req->token(), kTokenMax));
    return Succeed(auth_.VerifyEmail(req->token(), call.client), "email verified", res);
  });
}

grpc::Status AuthGrpcService::Impl::ResendVerification(Ctx* ctx,
                                                       const pb::ResendVerificationRequest*,
                                                       pb::SuccessResponse* res) {
  return calls_.Run(*ctx, kResendVerification, [&](const CallInfo& call) {
    return Succeed(auth_.ResendVerification(call.principal), "verification email sent", res);
  });
}

grpc::Status AuthGrpcService::Impl::RequestPasswordReset(Ctx* ctx,
                                                         const pb::RequestPasswordResetRequest* req,
                                                         pb::SuccessResponse* res) {
  return calls_.Run(*ctx, kRequestPasswordReset, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(RequiredField("email", req->email(), kEmailMax));
    return Succeed(auth_.RequestPasswordReset(req->email(), call.client),
                   "If the email exists, a password reset link has been sent", res);
  });
}

grpc::Status AuthGrpcService::Impl::ResetPassword(Ctx* ctx, const pb::ResetPasswordRequest* req,
                                                  pb::SuccessResponse* res) {
  return calls_.Run(*ctx, kResetPassword, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(RequiredField("token", req->token(), kTokenMax));
    HOWLER_RETURN_IF_ERROR(RequiredField("new_password", req->new_password()));
    return Succeed(auth_.ResetPassword(req->token(), req->new_password(), call.client),
                   "password reset; sign in with the new password", res);
  });
}

AuthGrpcService::AuthGrpcService(AuthGrpcDeps deps) : impl_(std::make_unique<Impl>(deps)) {}

AuthGrpcService::~AuthGrpcService() = default;

grpc::Service* AuthGrpcService::service() {
  return impl_.get();
}

}  // namespace howler::grpcsvc
