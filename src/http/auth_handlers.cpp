#include "http/auth_handlers.h"

#include <boost/json/array.hpp>

#include "auth/rate_limiter.h"
#include "common/time_format.h"
#include "common/worker_pool.h"
#include "http/json_body.h"
#include "http/responses.h"

namespace howler::http {
namespace json = boost::json;

namespace {

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

Response TokenPairResponse(int status, const auth::TokenPair& pair, std::string_view message) {
  json::object o = {{"success", true},
                    {"user", UserJson(pair.user)},
                    {"token", pair.access_token},
                    {"refresh_token", pair.refresh_token},
                    {"expires_at", FormatRfc3339(pair.access_expires_at)}};
  if (!message.empty()) o["message"] = message;
  return JsonValueResponse(status, o);
}

Response Success(std::string_view message = {}) {
  json::object o = {{"success", true}};
  if (!message.empty()) o["message"] = message;
  return JsonValueResponse(200, o);
}

Response Fail(const Status& s) {
  return ErrorResponse(s);
}

// A public or password endpoint: throttled per client IP.
std::optional<Response> Throttle(auth::RateLimiter& limiter, const Request& req) {
  const auto decision = limiter.Allow(req.client_ip);
  if (decision.allowed) return std::nullopt;
  return ErrorResponse(ResourceExhaustedError("too many requests; slow down")
                           .WithRetryAfter(decision.retry_after_seconds));
}

Response Signup(auth::AuthService& svc, const Request& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return Fail(body.status());
  auth::SignupRequest in;
  for (auto [field, out] :
       {std::pair{"username", &in.username}, {"email", &in.email}, {"password", &in.password}}) {
    auto v = RequiredString(*body, field);
    if (!v.ok()) return Fail(v.status());
    *out = std::move(*v);
  }
  auto device = OptionalString(*body, "device_name", 128);
  if (!device.ok()) return Fail(device.status());
  in.device_name = device->value_or("");
  auto pair = svc.Signup(in, ClientOf(req));
  if (!pair.ok()) return Fail(pair.status());
  return TokenPairResponse(201, *pair, "account created; check your email to verify your address");
}

Response Login(auth::AuthService& svc, const Request& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return Fail(body.status());
  auto username = RequiredString(*body, "username", 1024);
  if (!username.ok()) return Fail(username.status());
  auto password = RequiredString(*body, "password", 4096);
  if (!password.ok()) return Fail(password.status());
  auto device = OptionalString(*body, "device_name", 128);
  if (!device.ok()) return Fail(device.status());
  auto pair = svc.Login({*username, *password, device->value_or("")}, ClientOf(req));
  if (!pair.ok()) return Fail(pair.status());
  return TokenPairResponse(200, *pair, "");
}

Response Refresh(auth::AuthService& svc, const Request& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return Fail(body.status());
  auto token = RequiredString(*body, "refresh_token", 1024);
  if (!token.ok()) return Fail(token.status());
  auto pair = svc.Refresh(*token, ClientOf(req));
  if (!pair.ok()) return Fail(pair.status());
  return TokenPairResponse(200, *pair, "");
}

Response Logout(auth::AuthService& svc, const Request& req, const auth::Principal& who) {
  auto body = ParseJsonObject(req, /*allow_empty=*/true);
  if (!body.ok()) return Fail(body.status());
  auto all = OptionalBool(*body, "all_devices");
  if (!all.ok()) return Fail(all.status());
  if (Status s = svc.Logout(who, all->value_or(false), ClientOf(req)); !s.ok()) return Fail(s);
  return Success();
}

Response Profile(auth::AuthService& svc, const auth::Principal& who) {
  auto user = svc.Profile(who);
  if (!user.ok()) return Fail(user.status());
  return JsonValueResponse(200, json::object{{"user", UserJson(*user)}});
}

Response Sessions(auth::AuthService& svc, const auth::Principal& who) {
  auto sessions = svc.ListSessions(who);
  if (!sessions.ok()) return Fail(sessions.status());
  json::array list;
  for (const auto& s : *sessions) {
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

Response ChangePassword(auth::AuthService& svc, const Request& req, const auth::Principal& who) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return Fail(body.status());
  auto current = RequiredString(*body, "current_password");
  if (!current.ok()) return Fail(current.status());
  auto next = RequiredString(*body, "new_password");
  if (!next.ok()) return Fail(next.status());
  if (Status s = svc.ChangePassword(who, *current, *next, ClientOf(req)); !s.ok()) return Fail(s);
  return Success("password changed; other sessions were signed out");
}

Response VerifyEmail(auth::AuthService& svc, const Request& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return Fail(body.status());
  auto token = RequiredString(*body, "token", 1024);
  if (!token.ok()) return Fail(token.status());
  if (Status s = svc.VerifyEmail(*token, ClientOf(req)); !s.ok()) return Fail(s);
  return Success("email verified");
}

Response RequestReset(auth::AuthService& svc, const Request& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return Fail(body.status());
  auto email = RequiredString(*body, "email", 254);
  if (!email.ok()) return Fail(email.status());
  if (Status s = svc.RequestPasswordReset(*email, ClientOf(req)); !s.ok()) return Fail(s);
  return Success("If the email exists, a password reset link has been sent");
}

Response ResetPassword(auth::AuthService& svc, const Request& req) {
  auto body = ParseJsonObject(req);
  if (!body.ok()) return Fail(body.status());
  auto token = RequiredString(*body, "token", 1024);
  if (!token.ok()) return Fail(token.status());
  auto next = RequiredString(*body, "new_password");
  if (!next.ok()) return Fail(next.status());
  if (Status s = svc.ResetPassword(*token, *next, ClientOf(req)); !s.ok()) return Fail(s);
  return Success("password reset; sign in with the new password");
}

// Runs `work` on the hash pool; 503 with Retry-After when the pool's queue is full.
AsyncHandler OnHashPool(AuthHttpDeps deps, bool throttled, SyncHandler work) {
  return [deps, throttled, work](std::shared_ptr<Request> req, Responder done) {
    if (throttled) {
      if (auto limited = Throttle(deps.ip_limiter, *req)) return done(std::move(*limited));
    }
    const bool queued = deps.hash_pool.TrySubmit([req, done, work] {
      Response response;
      try {
        response = work(*req);
      } catch (const std::exception& e) {  // the request must still be answered
        response = ErrorResponse(InternalError(std::string("handler threw: ") + e.what()));
      }
      done(std::move(response));
    });
    if (!queued) {
      done(ErrorResponse(UnavailableError("server is busy, retry shortly").WithRetryAfter(1)));
    }
  };
}

SyncHandler Throttled(AuthHttpDeps deps, SyncHandler work) {
  return [deps, work](const Request& req) {
    if (auto limited = Throttle(deps.ip_limiter, req)) return std::move(*limited);
    return work(req);
  };
}

}  // namespace

auth::ClientInfo ClientOf(const Request& request) {
  return {request.client_ip, std::string(request.headers.Get("User-Agent").value_or(""))};
}

Result<auth::Principal> AuthenticateRequest(auth::AuthService& service, const Request& request) {
  const auto header = request.headers.Get("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!header || header->size() <= kBearer.size() ||
      !EqualsIgnoreCase(header->substr(0, kBearer.size()), kBearer)) {
    return UnauthenticatedError("missing or malformed bearer token");
  }
  return service.Authenticate(header->substr(kBearer.size()));
}

SyncHandler RequireAuth(auth::AuthService& service, AuthedHandler handler) {
  return [&service, handler](const Request& req) {
    auto who = AuthenticateRequest(service, req);
    if (!who.ok()) return ErrorResponse(who.status());
    return handler(req, *who);
  };
}

void AddAuthRoutes(Router& router, AuthHttpDeps deps) {
  auto& svc = deps.service;
  const std::string base = "/api/auth";
  router.AddAsync("POST", base + "/signup",
                  OnHashPool(deps, true, [&svc](const Request& r) { return Signup(svc, r); }));
  router.AddAsync("POST", base + "/login",
                  OnHashPool(deps, true, [&svc](const Request& r) { return Login(svc, r); }));
  router.Add("POST", base + "/refresh",
             Throttled(deps, [&svc](const Request& r) { return Refresh(svc, r); }));
  router.Add("POST", base + "/logout",
             RequireAuth(svc, [&svc](const Request& r, const auth::Principal& p) {
               return Logout(svc, r, p);
             }));
  for (const char* path : {"/me", "/profile"}) {
    router.AddRead("GET", base + path,
                   RequireAuth(svc, [&svc](const Request&, const auth::Principal& p) {
                     return Profile(svc, p);
                   }));
  }
  router.AddRead("GET", base + "/sessions",
                 RequireAuth(svc, [&svc](const Request&, const auth::Principal& p) {
                   return Sessions(svc, p);
                 }));
  router.Add("DELETE", base + "/sessions/{id}",
             RequireAuth(svc, [&svc](const Request& r, const auth::Principal& p) {
               Status s = svc.RevokeSession(p, r.path_params.at("id"), ClientOf(r));
               return s.ok() ? Success("session revoked") : Fail(s);
             }));
  router.AddAsync(
      "POST", base + "/change-password",
      OnHashPool(deps, true, RequireAuth(svc, [&svc](const Request& r, const auth::Principal& p) {
                   return ChangePassword(svc, r, p);
                 })));
  router.Add("POST", base + "/verify-email",
             Throttled(deps, [&svc](const Request& r) { return VerifyEmail(svc, r); }));
  router.Add("POST", base + "/resend-verification",
             Throttled(deps, RequireAuth(svc, [&svc](const Request&, const auth::Principal& p) {
                         Status s = svc.ResendVerification(p);
                         return s.ok() ? Success("verification email sent") : Fail(s);
                       })));
  router.Add("POST", base + "/request-password-reset",
             Throttled(deps, [&svc](const Request& r) { return RequestReset(svc, r); }));
  router.AddAsync(
      "POST", base + "/reset-password",
      OnHashPool(deps, true, [&svc](const Request& r) { return ResetPassword(svc, r); }));
}

}  // namespace howler::http
