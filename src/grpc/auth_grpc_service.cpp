#include "grpc/auth_grpc_service.h"

#include <cstddef>
#include <string>

#include "api/fields.h"
#include "api/operations.h"
#include "auth/auth_service.h"
#include "common/time_format.h"
#include "grpc/call_runner.h"
#include "grpc/message_fields.h"
#include "howlerops/v1/auth.grpc.pb.h"

namespace howler::grpcsvc {
namespace {

namespace pb = ::howlerops::v1;

namespace ops = api::ops;
using api::CheckField;

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
  out->set_license_key(pair.license_key);
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

// Fills a SuccessResponse with the operation's message when `status` is OK; returns
// `status` either way.
Status Succeed(Status status, const api::Operation& op, pb::SuccessResponse* out) {
  if (!status.ok()) return status;
  out->set_success(true);
  out->set_message(std::string(op.success_message));
  return status;
}

}  // namespace

class AuthGrpcService::Impl final : public pb::AuthService::Service {
 public:
  Impl(auth::AuthService& service, CallDeps deps) : auth_(service), calls_(std::move(deps)) {}

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
  return calls_.Run(*ctx, ops::kSignup, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kSignup, "username", req->username()));
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kSignup, "email", req->email()));
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kSignup, "password", req->password()));
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kSignup, "device_name", req->device_name()));
    HOWLER_ASSIGN_OR_RETURN(
        auth::TokenPair pair,
        auth_.Signup({req->username(), req->email(), req->password(), req->device_name()},
                     call.client));
    ToProto(pair, ops::kSignup.success_message, res);
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::Login(Ctx* ctx, const pb::LoginRequest* req,
                                          pb::TokenPair* res) {
  return calls_.Run(*ctx, ops::kLogin, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kLogin, "username", req->username()));
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kLogin, "password", req->password()));
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kLogin, "device_name", req->device_name()));
    HOWLER_ASSIGN_OR_RETURN(
        auth::TokenPair pair,
        auth_.Login({req->username(), req->password(), req->device_name()}, call.client));
    ToProto(pair, {}, res);
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::Refresh(Ctx* ctx, const pb::RefreshRequest* req,
                                            pb::TokenPair* res) {
  return calls_.Run(*ctx, ops::kRefresh, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kRefresh, "refresh_token", req->refresh_token()));
    HOWLER_ASSIGN_OR_RETURN(auth::TokenPair pair, auth_.Refresh(req->refresh_token(), call.client));
    ToProto(pair, {}, res);
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::Logout(Ctx* ctx, const pb::LogoutRequest* req,
                                           pb::SuccessResponse* res) {
  return calls_.Run(*ctx, ops::kLogout, [&](const CallInfo& call) {
    return Succeed(auth_.Logout(call.principal, req->all_devices(), call.client), ops::kLogout,
                   res);
  });
}

grpc::Status AuthGrpcService::Impl::GetProfile(Ctx* ctx, const pb::GetProfileRequest*,
                                               pb::GetProfileResponse* res) {
  return calls_.Run(*ctx, ops::kProfile, [&](const CallInfo& call) -> Status {
    HOWLER_ASSIGN_OR_RETURN(storage::UserRecord user, auth_.Profile(call.principal));
    ToProto(user, res->mutable_user());
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::ListSessions(Ctx* ctx, const pb::ListSessionsRequest*,
                                                 pb::ListSessionsResponse* res) {
  return calls_.Run(*ctx, ops::kListSessions, [&](const CallInfo& call) -> Status {
    HOWLER_ASSIGN_OR_RETURN(auto sessions, auth_.ListSessions(call.principal));
    for (const storage::SessionRecord& s : sessions) {
      ToProto(s, s.id == call.principal.session_id, res->add_sessions());
    }
    return Status::Ok();
  });
}

grpc::Status AuthGrpcService::Impl::RevokeSession(Ctx* ctx, const pb::RevokeSessionRequest* req,
                                                  pb::SuccessResponse* res) {
  return calls_.Run(*ctx, ops::kRevokeSession, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kRevokeSession, "session_id", req->session_id()));
    return Succeed(auth_.RevokeSession(call.principal, req->session_id(), call.client),
                   ops::kRevokeSession, res);
  });
}

grpc::Status AuthGrpcService::Impl::ChangePassword(Ctx* ctx, const pb::ChangePasswordRequest* req,
                                                   pb::SuccessResponse* res) {
  return calls_.Run(*ctx, ops::kChangePassword, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(
        CheckField(ops::kChangePassword, "current_password", req->current_password()));
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kChangePassword, "new_password", req->new_password()));
    return Succeed(auth_.ChangePassword(call.principal, req->current_password(),
                                        req->new_password(), call.client),
                   ops::kChangePassword, res);
  });
}

grpc::Status AuthGrpcService::Impl::VerifyEmail(Ctx* ctx, const pb::VerifyEmailRequest* req,
                                                pb::SuccessResponse* res) {
  return calls_.Run(*ctx, ops::kVerifyEmail, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kVerifyEmail, "token", req->token()));
    return Succeed(auth_.VerifyEmail(req->token(), call.client), ops::kVerifyEmail, res);
  });
}

grpc::Status AuthGrpcService::Impl::ResendVerification(Ctx* ctx,
                                                       const pb::ResendVerificationRequest*,
                                                       pb::SuccessResponse* res) {
  return calls_.Run(*ctx, ops::kResendVerification, [&](const CallInfo& call) {
    return Succeed(auth_.ResendVerification(call.principal), ops::kResendVerification, res);
  });
}

grpc::Status AuthGrpcService::Impl::RequestPasswordReset(Ctx* ctx,
                                                         const pb::RequestPasswordResetRequest* req,
                                                         pb::SuccessResponse* res) {
  return calls_.Run(*ctx, ops::kRequestPasswordReset, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kRequestPasswordReset, "email", req->email()));
    return Succeed(auth_.RequestPasswordReset(req->email(), call.client),
                   ops::kRequestPasswordReset, res);
  });
}

grpc::Status AuthGrpcService::Impl::ResetPassword(Ctx* ctx, const pb::ResetPasswordRequest* req,
                                                  pb::SuccessResponse* res) {
  return calls_.Run(*ctx, ops::kResetPassword, [&](const CallInfo& call) -> Status {
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kResetPassword, "token", req->token()));
    HOWLER_RETURN_IF_ERROR(CheckField(ops::kResetPassword, "new_password", req->new_password()));
    return Succeed(auth_.ResetPassword(req->token(), req->new_password(), call.client),
                   ops::kResetPassword, res);
  });
}

AuthGrpcService::AuthGrpcService(auth::AuthService& service, CallDeps deps)
    : impl_(std::make_unique<Impl>(service, std::move(deps))) {}

AuthGrpcService::~AuthGrpcService() = default;

grpc::Service* AuthGrpcService::service() {
  return impl_.get();
}

}  // namespace howler::grpcsvc
