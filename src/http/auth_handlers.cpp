#include "http/auth_handlers.h"

#include <boost/json/array.hpp>

#include "api/fields.h"
#include "api/operations.h"
#include "common/time_format.h"
#include "http/json_body.h"
#include "http/responses.h"

namespace howler::http {
namespace json = boost::json;

namespace {

using api::Operation;
namespace ops = api::ops;

json::object UserJson(const storage::UserRecord& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"email", u.email},
          {"role", u.role},
          {"email_verified", u.email_verified},
          {"active", u.active},
          {"created_at", TimeValue(u.created_at)},
          {"updated_at", TimeValue(u.updated_at)},
          {"last_login", TimeValue(u.last_login_at)}};
}

// A sign-up or sign-in answer carries the new session's license key in `user.license_key`
// (where the desktop client reads it); a refresh answer has none.
Response TokenPairResponse(int status, const auth::TokenPair& pair, const Operation& op) {
  json::object user = UserJson(pair.user);
  if (!pair.license_key.empty()) user["license_key"] = pair.license_key;
  json::object o = {{"success", true},
                    {"user", std::move(user)},
                    {"token", pair.access_token},
                    {"refresh_token", pair.refresh_token},
                    {"expires_at", FormatRfc3339(pair.access_expires_at)}};
  if (!op.success_message.empty()) o["message"] = op.success_message;
  return JsonValueResponse(status, o);
}

// {"success": true} with the operation's message, or the error of `status`.
Response Succeed(const Status& status, const Operation& op) {
  if (!status.ok()) return ErrorResponse(status);
  json::object o = {{"success", true}};
  if (!op.success_message.empty()) o["message"] = op.success_message;
  return JsonValueResponse(200, o);
}

// The handler bodies return Result<Response> so that errors can propagate with
// HOWLER_ASSIGN_OR_RETURN; Answer turns an error into its response.
Response Answer(Result<Response> result) {
  return result.ok() ? std::move(result).value() : ErrorResponse(result.status());
}

Result<Response> Signup(auth::AuthService& svc, const Request& req) {
  const Operation& op = ops::kSignup;
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  auth::SignupRequest in;
  HOWLER_ASSIGN_OR_RETURN(in.username, TextField(body, op.Field("username")));
  HOWLER_ASSIGN_OR_RETURN(in.email, TextField(body, op.Field("email")));
  HOWLER_ASSIGN_OR_RETURN(in.password, TextField(body, op.Field("password")));
  HOWLER_ASSIGN_OR_RETURN(in.device_name, TextField(body, op.Field("device_name")));
  HOWLER_ASSIGN_OR_RETURN(auth::TokenPair pair, svc.Signup(in, ClientOf(req)));
  return TokenPairResponse(201, pair, op);
}

Result<Response> Login(auth::AuthService& svc, const Request& req) {
  const Operation& op = ops::kLogin;
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  auth::LoginRequest in;
  HOWLER_ASSIGN_OR_RETURN(in.username, TextField(body, op.Field("username")));
  HOWLER_ASSIGN_OR_RETURN(in.password, TextField(body, op.Field("password")));
  HOWLER_ASSIGN_OR_RETURN(in.device_name, TextField(body, op.Field("device_name")));
  HOWLER_ASSIGN_OR_RETURN(auth::TokenPair pair, svc.Login(in, ClientOf(req)));
  return TokenPairResponse(200, pair, op);
}

Result<Response> Refresh(auth::AuthService& svc, const Request& req) {
  const Operation& op = ops::kRefresh;
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  HOWLER_ASSIGN_OR_RETURN(std::string token, TextField(body, op.Field("refresh_token")));
  HOWLER_ASSIGN_OR_RETURN(auth::TokenPair pair, svc.Refresh(token, ClientOf(req)));
  return TokenPairResponse(200, pair, op);
}

Result<Response> Logout(auth::AuthService& svc, const Request& req, const auth::Principal& who) {
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req, /*allow_empty=*/true));
  HOWLER_ASSIGN_OR_RETURN(std::optional<bool> all, OptionalBool(body, "all_devices"));
  return Succeed(svc.Logout(who, all.value_or(false), ClientOf(req)), ops::kLogout);
}

Result<Response> Profile(auth::AuthService& svc, const auth::Principal& who) {
  HOWLER_ASSIGN_OR_RETURN(storage::UserRecord user, svc.Profile(who));
  return JsonValueResponse(200, json::object{{"user", UserJson(user)}});
}

Result<Response> Sessions(auth::AuthService& svc, const auth::Principal& who) {
  HOWLER_ASSIGN_OR_RETURN(auto sessions, svc.ListSessions(who));
  json::array list;
  for (const auto& s : sessions) {
    list.push_back(json::object{{"id", s.id},
                                {"device_name", s.device_name},
                                {"ip_address", s.ip_address},
                                {"user_agent", s.user_agent},
                                {"created_at", TimeValue(s.created_at)},
                                {"last_seen_at", TimeValue(s.last_seen_at)},
                                {"current", s.id == who.session_id}});
  }
  return JsonValueResponse(200, json::object{{"sessions", std::move(list)}});
}

Result<Response> RevokeSession(auth::AuthService& svc, const Request& req,
                               const auth::Principal& who) {
  const Operation& op = ops::kRevokeSession;
  const std::string& id = req.path_params.at("id");
  HOWLER_RETURN_IF_ERROR(api::CheckField(op, "session_id", id));
  return Succeed(svc.RevokeSession(who, id, ClientOf(req)), op);
}

Result<Response> ChangePassword(auth::AuthService& svc, const Request& req,
                                const auth::Principal& who) {
  const Operation& op = ops::kChangePassword;
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  HOWLER_ASSIGN_OR_RETURN(std::string current, TextField(body, op.Field("current_password")));
  HOWLER_ASSIGN_OR_RETURN(std::string next, TextField(body, op.Field("new_password")));
  return Succeed(svc.ChangePassword(who, current, next, ClientOf(req)), op);
}

Result<Response> VerifyEmail(auth::AuthService& svc, const Request& req) {
  const Operation& op = ops::kVerifyEmail;
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  HOWLER_ASSIGN_OR_RETURN(std::string token, TextField(body, op.Field("token")));
  return Succeed(svc.VerifyEmail(token, ClientOf(req)), op);
}

Result<Response> RequestReset(auth::AuthService& svc, const Request& req) {
  const Operation& op = ops::kRequestPasswordReset;
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  HOWLER_ASSIGN_OR_RETURN(std::string email, TextField(body, op.Field("email")));
  return Succeed(svc.RequestPasswordReset(email, ClientOf(req)), op);
}

Result<Response> ResetPassword(auth::AuthService& svc, const Request& req) {
  const Operation& op = ops::kResetPassword;
  HOWLER_ASSIGN_OR_RETURN(json::object body, ParseJsonObject(req));
  HOWLER_ASSIGN_OR_RETURN(std::string token, TextField(body, op.Field("token")));
  HOWLER_ASSIGN_OR_RETURN(std::string next, TextField(body, op.Field("new_password")));
  return Succeed(svc.ResetPassword(token, next, ClientOf(req)), op);
}

}  // namespace

auth::ClientInfo ClientOf(const Request& request) {
  return {request.client_ip, std::string(request.headers.Get("User-Agent").value_or(""))};
}

void AddAuthRoutes(Router& router, auth::AuthService& svc) {
  using P = const auth::Principal&;
  router.Add(ops::kSignup, [&svc](const Request& r, P) { return Answer(Signup(svc, r)); });
  router.Add(ops::kLogin, [&svc](const Request& r, P) { return Answer(Login(svc, r)); });
  router.Add(ops::kRefresh, [&svc](const Request& r, P) { return Answer(Refresh(svc, r)); });
  router.Add(ops::kLogout, [&svc](const Request& r, P p) { return Answer(Logout(svc, r, p)); });
  for (const Operation* op : {&ops::kProfile, &ops::kMe}) {
    router.Add(*op, [&svc](const Request&, P p) { return Answer(Profile(svc, p)); });
  }
  router.Add(ops::kListSessions, [&svc](const Request&, P p) { return Answer(Sessions(svc, p)); });
  router.Add(ops::kRevokeSession,
             [&svc](const Request& r, P p) { return Answer(RevokeSession(svc, r, p)); });
  router.Add(ops::kChangePassword,
             [&svc](const Request& r, P p) { return Answer(ChangePassword(svc, r, p)); });
  router.Add(ops::kVerifyEmail,
             [&svc](const Request& r, P) { return Answer(VerifyEmail(svc, r)); });
  router.Add(ops::kResendVerification, [&svc](const Request&, P p) {
    return Succeed(svc.ResendVerification(p), ops::kResendVerification);
  });
  router.Add(ops::kRequestPasswordReset,
             [&svc](const Request& r, P) { return Answer(RequestReset(svc, r)); });
  router.Add(ops::kResetPassword,
             [&svc](const Request& r, P) { return Answer(ResetPassword(svc, r)); });
}

}  // namespace howler::http
