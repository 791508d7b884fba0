#include "auth/auth_service.h"

#include "auth/license_key.h"
#include "auth/validation.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/utf8.h"
#include "common/worker_pool.h"
#include "email/mailer.h"
#include "metrics/metrics.h"

namespace howler::auth {
namespace {

// How long a verified access token is remembered at most (verified_token_cache.h): memory
// follows the tokens used in the last two minutes, not in the last token lifetime.
constexpr std::chrono::minutes kVerifiedTokenHold{2};

using storage::AuthEvent;
using storage::LockoutRecord;
using storage::SessionRecord;
using storage::TokenKind;
using storage::UserRecord;

constexpr std::string_view kBadCredentials = "invalid username or password";
constexpr std::string_view kBadRefresh = "invalid or expired refresh token";

std::int64_t Ms(std::chrono::milliseconds d) {
  return d.count();
}

LockoutState ToState(const LockoutRecord& r) {
  return {r.failures, r.window_started_at, r.locked_until, r.lock_count};
}
LockoutRecord ToRecord(const LockoutState& s) {
  return {s.failures, s.window_started_ms, s.locked_until_ms, s.lock_count};
}

std::string TokenHash(std::string_view token) {
  return HexEncode(Sha256(token));
}

Status Unauthenticated(std::string_view message = "invalid or expired token") {
  return UnauthenticatedError(std::string(message));
}

// Client details are kept whatever the client sent: made valid text of bounded size
// before they reach a session row or the audit trail.
constexpr std::size_t kMaxIpBytes = 64;
constexpr std::size_t kMaxUserAgentBytes = 512;
constexpr std::size_t kMaxDeviceNameBytes = 128;

std::string StoredIp(const ClientInfo& client) {
  return ToCleanText(client.ip, kMaxIpBytes);
}
std::string StoredUserAgent(const ClientInfo& client) {
  return ToCleanText(client.user_agent, kMaxUserAgentBytes);
}

// A taken username or email, as both ways of creating an account tell it.
Status AccountConflict(Status s) {
  if (s.code() != StatusCode::kAlreadyExists) return s;
  return AlreadyExistsError("username or email already exists").WithReason(ApiReason::kConflict);
}

}  // namespace

AuthService::AuthService(AuthOptions options, AuthDeps deps)
    : options_(options),
      deps_(deps),
      lockout_(options.max_login_attempts, options.lockout_duration),
      store_(deps.store),
      verified_tokens_(100000, deps.clock, kVerifiedTokenHold),
      license_keys_(100000),
      profiles_(options.profile_cache_ttl, 100000, deps.clock) {}

void AuthService::Count(std::string_view method, std::string_view result) const {
  if (deps_.metrics) deps_.metrics->CountAuthAttempt(method, result);
}

AuthEvent AuthService::Event(std::string_view event, std::string_view user_id,
                             std::string_view session_id, const ClientInfo& client,
                             std::int64_t now) const {
  return {NewUuidV7(deps_.clock.Now()),
          std::string(event),
          std::string(user_id),
          std::string(session_id),
          StoredIp(client),
          StoredUserAgent(client),
          now};
}

storage::LoginAttemptRecord AuthService::Attempt(const std::string& account_key,
                                                 const ClientInfo& client, bool success,
                                                 std::int64_t now) const {
  return {NewUuidV7(deps_.clock.Now()), account_key, StoredIp(client), success, now};
}

SessionRecord AuthService::NewSession(const std::string& user_id, const std::string& device,
                                      const ClientInfo& client, std::int64_t now,
                                      std::string* license_key) const {
  *license_key = NewLicenseKey();
  SessionRecord s;
  s.license_key_hash = LicenseKeyHash(*license_key);
  s.id = NewUuidV7(deps_.clock.Now());
  s.user_id = user_id;
  s.refresh_salt = RefreshTokenCodec::NewSalt();
  s.device_name = ToCleanText(device, kMaxDeviceNameBytes);
  s.ip_address = StoredIp(client);
  s.user_agent = StoredUserAgent(client);
  s.created_at = now;
  s.last_seen_at = now;
  s.expires_at = now + Ms(options_.refresh_lifetime);
  return s;
}

Result<TokenPair> AuthService::IssuePair(UserRecord user, const SessionRecord& session,
                                         std::string license_key) {
  HOWLER_ASSIGN_OR_RETURN(auto access,
                          deps_.access_tokens.Issue(user.id, user.username, user.role, session.id));
  deps_.session_cache.PutActive(session.id, user.id);
  if (deps_.metrics) {
    deps_.metrics->CountTokenIssued("access");
    deps_.metrics->CountTokenIssued("refresh");
    if (!license_key.empty()) deps_.metrics->CountTokenIssued("license_key");
  }
  TokenPair pair;
  pair.user = std::move(user);
  pair.user.password_hash.clear();
  pair.access_token = std::move(access.token);
  pair.access_expires_at = access.expires_at;
  pair.refresh_token =
      deps_.refresh_tokens.Make(session.id, session.refresh_counter, session.refresh_salt);
  pair.session_id = session.id;
  pair.license_key = std::move(license_key);
  return pair;
}

std::pair<std::string, storage::EmailTokenRecord> AuthService::NewEmailToken(
    TokenKind kind, const std::string& user_id, std::int64_t now) const {
  std::string token = Base64UrlEncode(RandomBytes(32));
  const auto ttl =
      kind == TokenKind::kVerification ? options_.verification_ttl : options_.reset_ttl;
  storage::EmailTokenRecord record{kind, TokenHash(token), user_id, now, now + Ms(ttl)};
  return {std::move(token), std::move(record)};
}

Result<UserRecord> AuthService::NewUser(const std::string& username, const std::string& email_in,
                                        const std::string& password, std::int64_t now) const {
  HOWLER_RETURN_IF_ERROR(ValidateUsername(username));
  HOWLER_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_in));
  HOWLER_RETURN_IF_ERROR(ValidatePassword(password));
  HOWLER_ASSIGN_OR_RETURN(std::string hash, deps_.hasher.Hash(password));
  UserRecord user;
  user.id = NewUuidV7(deps_.clock.Now());
  user.username = username;
  user.email = std::move(email);
  user.password_hash = std::move(hash);
  user.created_at = user.updated_at = now;
  return user;
}

Result<TokenPair> AuthService::Signup(const SignupRequest& req, const ClientInfo& client) {
  const std::int64_t now = deps_.clock.NowMillis();
  HOWLER_ASSIGN_OR_RETURN(UserRecord user, NewUser(req.username, req.email, req.password, now));
  user.last_login_at = now;
  std::string license_key;
  const SessionRecord session = NewSession(user.id, req.device_name, client, now, &license_key);
  auto [token, verification] = NewEmailToken(TokenKind::kVerification, user.id, now);
  HOWLER_RETURN_IF_ERROR(
      AccountConflict(store_.CreateAccount({user, session, std::move(verification),
                                            Event("signup", user.id, session.id, client, now)})));
  deps_.mailer.Send({email::EmailType::kVerification, user.email, user.username, token});
  deps_.mailer.Send({email::EmailType::kWelcome, user.email, user.username, ""});
  Count("signup", "success");
  return IssuePair(std::move(user), session, std::move(license_key));
}

Result<UserRecord> AuthService::CreateUser(const CreateUserRequest& req, const ClientInfo& client) {
  if (req.role != "user" && req.role != "admin") {
    return InvalidArgumentError("role must be user or admin");
  }
  const std::int64_t now = deps_.clock.NowMillis();
  HOWLER_ASSIGN_OR_RETURN(UserRecord user, NewUser(req.username, req.email, req.password, now));
  user.role = req.role;
  HOWLER_RETURN_IF_ERROR(AccountConflict(store_.CreateAccount(
      {user, std::nullopt, std::nullopt, Event("user_created", user.id, "", client, now)})));
  user.password_hash.clear();
  return user;
}

Result<UserRecord> AuthService::SetUserActive(std::string_view who, bool active,
                                              const ClientInfo& client) {
  HOWLER_ASSIGN_OR_RETURN(std::optional<UserRecord> user, store_.FindUserByAnyName(who));
  if (!user) return NotFoundError("no such user");
  const std::int64_t now = deps_.clock.NowMillis();
  const char* event = active ? "user_enabled" : "user_disabled";
  HOWLER_RETURN_IF_ERROR(
      store_.SetUserActive(user->id, active, now, Event(event, user->id, "", client, now)));
  if (!active) deps_.session_cache.MarkUserRevoked(user->id);
  profiles_.Invalidate(user->id);
  user->active = active;
  user->updated_at = now;
  user->password_hash.clear();
  return *std::move(user);
}

Result<std::vector<UserRecord>> AuthService::ListUsers(int limit) {
  HOWLER_ASSIGN_OR_RETURN(std::vector<UserRecord> users, store_.ListUsers(limit));
  for (UserRecord& u : users) u.password_hash.clear();
  return users;
}

Status AuthService::LoginFailed(const std::string& account_key, const LockoutRecord& state,
                                const std::string& user_id, const ClientInfo& client,
                                std::int64_t now) {
  bool locked_now = false;
  const LockoutState next = lockout_.OnFailure(ToState(state), now, &locked_now);
  storage::LoginFailure failure{ToRecord(next),
                                Attempt(account_key, client, false, now),
                                {Event("login_failed", user_id, "", client, now)}};
  if (locked_now) failure.events.push_back(Event("locked", user_id, "", client, now));
  HOWLER_RETURN_IF_ERROR(store_.RecordLoginFailure(failure));
  if (locked_now) {
    if (deps_.metrics) deps_.metrics->CountLockout();
    log::Warn("account locked", {{"user_id", user_id}, {"client_ip", client.ip}});
  }
  Count("password", "failure");
  return Unauthenticated(kBadCredentials);
}

Result<TokenPair> AuthService::Login(const LoginRequest& req, const ClientInfo& client) {
  if (req.username.empty() || req.username.size() > 254 || req.password.empty() ||
      req.password.size() > kMaxPasswordBytes) {
    deps_.hasher.SpendEquivalentTime(req.password);
    Count("password", "failure");
    return Unauthenticated(kBadCredentials);
  }
  const std::string ident = ToLower(req.username);
  HOWLER_ASSIGN_OR_RETURN(std::optional<UserRecord> user, store_.FindUserByLogin(ident));
  const std::string account_key = user ? "user:" + user->id : "login:" + ident;
  HOWLER_ASSIGN_OR_RETURN(LockoutRecord lock, store_.GetLockout(account_key));
  const std::int64_t now = deps_.clock.NowMillis();
  int retry_after = 0;
  if (lockout_.IsLocked(ToState(lock), now, &retry_after)) {
    Count("password", "locked");
    return ResourceExhaustedError("too many failed attempts; try again later")
        .WithReason(ApiReason::kAccountLocked)
        .WithRetryAfter(retry_after);
  }
  bool ok = false;
  if (user) {
    ok = deps_.hasher.Verify(user->password_hash, req.password) && user->active;
  } else {
    deps_.hasher.SpendEquivalentTime(req.password);
  }
  if (!ok) return LoginFailed(account_key, lock, user ? user->id : "", client, now);

  std::string license_key;
  const SessionRecord session = NewSession(user->id, req.device_name, client, now, &license_key);
  storage::LoginSuccess login{session, Attempt(account_key, client, true, now), std::nullopt,
                              std::nullopt, Event("login", user->id, session.id, client, now)};
  if (lock.failures != 0 || lock.lock_count != 0) {
    login.lockout = ToRecord(lockout_.OnSuccess(ToState(lock)));
  }
  if (deps_.hasher.NeedsRehash(user->password_hash)) {
    if (auto rehashed = deps_.hasher.Hash(req.password); rehashed.ok()) {
      login.rehashed_password = std::move(rehashed).value();
    }
  }
  HOWLER_RETURN_IF_ERROR(store_.RecordLogin(login));
  profiles_.Invalidate(user->id);
  user->last_login_at = now;
  Count("password", "success");
  return IssuePair(std::move(*user), session, std::move(license_key));
}

Result<TokenPair> AuthService::Refresh(std::string_view token, const ClientInfo& client) {
  auto parsed = deps_.refresh_tokens.Parse(token);
  if (!parsed.ok()) {
    Count("refresh", "failure");
    return Unauthenticated(kBadRefresh);
  }
  const std::int64_t now = deps_.clock.NowMillis();
  for (int attempt = 0; attempt < 2; ++attempt) {
    HOWLER_ASSIGN_OR_RETURN(auto found, store_.FindSessionWithUser(parsed->session_id));
    if (!found || !deps_.refresh_tokens.Matches(*parsed, found->session.refresh_salt) ||
        found->session.revoked_at || found->session.expires_at <= now || !found->user.active) {
      Count("refresh", "failure");
      return Unauthenticated(kBadRefresh);
    }
    SessionRecord& s = found->session;
    if (parsed->counter == s.refresh_counter) {
      const std::int64_t expires = now + Ms(options_.refresh_lifetime);
      HOWLER_ASSIGN_OR_RETURN(std::optional<std::int64_t> counter,
                              store_.RotateRefresh({s.id, s.refresh_counter, now, expires,
                                                    StoredIp(client), StoredUserAgent(client)},
                                                   Event("refresh", s.user_id, s.id, client, now)));
      if (!counter) continue;  // another refresh won: re-read, take grace
      s.refresh_counter = *counter;
      s.expires_at = expires;
      Count("refresh", "success");
      return IssuePair(std::move(found->user), s);
    }
    const bool just_rotated = s.rotated_at && now - *s.rotated_at <= Ms(options_.refresh_grace);
    if (parsed->counter == s.refresh_counter - 1 && just_rotated) {
      Count("refresh", "success");
      return IssuePair(std::move(found->user), s);  // the current pair, no new rotation
    }
    // An older token: someone kept a token that was replaced. End the session.
    HOWLER_RETURN_IF_ERROR(
        store_
            .RevokeSession(s.id, s.user_id, now, "refresh_reuse",
                           Event("refresh_reuse_detected", s.user_id, s.id, client, now))
            .status());
    deps_.session_cache.MarkRevoked(s.id);
    log::Warn("refresh token reuse detected; session revoked",
              {{"user_id", s.user_id}, {"session_id", s.id}, {"client_ip", client.ip}});
    Count("refresh", "reuse");
    return Unauthenticated(kBadRefresh);
  }
  return UnavailableError("refresh contention, retry").WithRetryAfter(1);
}

Status AuthService::Logout(const Principal& who, bool all_devices, const ClientInfo& client) {
  const std::int64_t now = deps_.clock.NowMillis();
  const AuthEvent event = Event("logout", who.user_id, who.session_id, client, now);
  if (all_devices) {
    HOWLER_RETURN_IF_ERROR(store_.RevokeAllSessions(who.user_id, "", now, "logout_all", event));
    deps_.session_cache.MarkUserRevoked(who.user_id);
  } else {
    HOWLER_RETURN_IF_ERROR(
        store_.RevokeSession(who.session_id, who.user_id, now, "logout", event).status());
  }
  deps_.session_cache.MarkRevoked(who.session_id);
  return Status::Ok();
}

Result<Principal> AuthService::Authenticate(std::string_view access_token) {
  std::optional<AccessClaims> claims = verified_tokens_.Get(access_token);
  if (!claims) {
    auto verified = deps_.access_tokens.Verify(access_token);
    if (!verified.ok()) return Unauthenticated();
    claims = std::move(verified).value();
    verified_tokens_.Put(access_token, *claims);
  }
  switch (deps_.session_cache.Get(claims->session_id, claims->user_id)) {
    case SessionCache::State::kRevoked:
      return Unauthenticated();
    case SessionCache::State::kUnknown: {
      HOWLER_ASSIGN_OR_RETURN(
          std::optional<std::string> owner,
          store_.ActiveSessionOwner(claims->session_id, deps_.clock.NowMillis()));
      if (!owner) {
        deps_.session_cache.MarkRevoked(claims->session_id);
        return Unauthenticated();
      }
      // A session serves only its own user's tokens; a mismatch leaves the session alone.
      if (*owner != claims->user_id) return Unauthenticated();
      deps_.session_cache.PutActive(claims->session_id, claims->user_id);
      break;
    }
    case SessionCache::State::kActive:
      break;
  }
  return Principal{claims->user_id, claims->username, claims->role, claims->session_id};
}

Result<Principal> AuthService::AuthenticateLicenseKey(std::string_view license_key) {
  if (std::optional<storage::LicenseKeyOwner> known = license_keys_.Get(license_key)) {
    switch (deps_.session_cache.Get(known->session_id, known->user_id)) {
      case SessionCache::State::kActive:
        return Principal{known->user_id, known->username, known->role, known->session_id, true};
      case SessionCache::State::kRevoked:
        license_keys_.Erase(license_key);
        return Unauthenticated();
      case SessionCache::State::kUnknown:
        break;
    }
  }
  if (!HasValidLicenseChecksum(license_key)) return Unauthenticated();
  HOWLER_ASSIGN_OR_RETURN(
      std::optional<storage::LicenseKeyOwner> owner,
      store_.FindLicenseKeyOwner(LicenseKeyHash(license_key), deps_.clock.NowMillis()));
  if (!owner) {
    license_keys_.Erase(license_key);
    return Unauthenticated();
  }
  deps_.session_cache.PutActive(owner->session_id, owner->user_id);
  license_keys_.Put(license_key, *owner);
  return Principal{owner->user_id, owner->username, owner->role, owner->session_id, true};
}

Result<UserRecord> AuthService::Profile(const Principal& who) {
  if (std::optional<UserRecord> cached = profiles_.Get(who.user_id)) {
    if (!cached->active) return Unauthenticated();
    return *std::move(cached);
  }
  const std::uint64_t generation = profiles_.Generation();
  HOWLER_ASSIGN_OR_RETURN(auto user, store_.FindUserById(who.user_id));
  if (!user) return Unauthenticated();
  user->password_hash.clear();
  profiles_.Put(*user, generation);
  if (!user->active) return Unauthenticated();
  return *user;
}

Result<std::vector<storage::SessionRecord>> AuthService::ListSessions(const Principal& who) {
  return store_.ListActiveSessions(who.user_id, deps_.clock.NowMillis());
}

Status AuthService::RevokeSession(const Principal& who, std::string_view session_id,
                                  const ClientInfo& client) {
  const std::int64_t now = deps_.clock.NowMillis();
  HOWLER_ASSIGN_OR_RETURN(
      bool revoked,
      store_.RevokeSession(session_id, who.user_id, now, "revoked",
                           Event("session_revoked", who.user_id, session_id, client, now)));
  if (!revoked) return NotFoundError("session not found");
  deps_.session_cache.MarkRevoked(session_id);
  return Status::Ok();
}

Status AuthService::ChangePassword(const Principal& who, std::string_view current,
                                   std::string_view next, const ClientInfo& client) {
  if (current.empty()) return InvalidArgumentError("current_password is required");
  if (Status s = ValidatePassword(next); !s.ok()) {
    return InvalidArgumentError("new_password must be 8-1024 bytes of valid UTF-8");
  }
  HOWLER_ASSIGN_OR_RETURN(auto user, store_.FindUserById(who.user_id));
  if (!user || !user->active) return Unauthenticated();
  if (!deps_.hasher.Verify(user->password_hash, current)) {
    Count("password", "failure");
    return Unauthenticated("current password is incorrect");
  }
  HOWLER_ASSIGN_OR_RETURN(std::string hash, deps_.hasher.Hash(next));
  const std::int64_t now = deps_.clock.NowMillis();
  HOWLER_RETURN_IF_ERROR(
      store_.ChangePassword(who.user_id, hash, who.session_id, now,
                            Event("password_changed", who.user_id, who.session_id, client, now)));
  deps_.session_cache.MarkUserRevoked(who.user_id, who.session_id);
  profiles_.Invalidate(who.user_id);
  return Status::Ok();
}

Status AuthService::VerifyEmail(std::string_view token, const ClientInfo& client) {
  const Status invalid = InvalidArgumentError("invalid, expired or already used token");
  if (token.empty() || token.size() > 256) return invalid;
  const std::int64_t now = deps_.clock.NowMillis();
  HOWLER_ASSIGN_OR_RETURN(
      std::optional<std::string> user_id,
      store_.VerifyEmail(TokenHash(token), now, Event("email_verified", "", "", client, now)));
  if (!user_id) return invalid;
  profiles_.Invalidate(*user_id);
  return Status::Ok();
}

Status AuthService::ResendVerification(const Principal& who) {
  HOWLER_ASSIGN_OR_RETURN(auto user, store_.FindUserById(who.user_id));
  if (!user) return Unauthenticated();
  if (user->email_verified) return InvalidArgumentError("email is already verified");
  const std::int64_t now = deps_.clock.NowMillis();
  HOWLER_ASSIGN_OR_RETURN(auto latest,
                          store_.LatestTokenCreatedAt(TokenKind::kVerification, user->id));
  if (latest && now - *latest < Ms(options_.resend_interval)) {
    const int wait =
        static_cast<int>((Ms(options_.resend_interval) - (now - *latest) + 999) / 1000);
    return ResourceExhaustedError("a verification email was sent recently; try again later")
        .WithRetryAfter(std::max(1, wait));
  }
  auto [token, verification] = NewEmailToken(TokenKind::kVerification, user->id, now);
  HOWLER_RETURN_IF_ERROR(store_.AddEmailToken(verification));
  deps_.mailer.Send({email::EmailType::kVerification, user->email, user->username, token});
  return Status::Ok();
}

Status AuthService::RequestPasswordReset(std::string_view email_in, const ClientInfo& client) {
  HOWLER_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_in));
  if (deps_.background == nullptr) {
    SendPasswordReset(email, client);
    return Status::Ok();
  }
  const bool queued = deps_.background->TrySubmit(
      [this, email = std::move(email), client] { SendPasswordReset(email, client); });
  if (!queued) return UnavailableError("server is busy, retry shortly").WithRetryAfter(1);
  return Status::Ok();
}

void AuthService::SendPasswordReset(const std::string& email, const ClientInfo& client) {
  auto user = store_.FindUserByEmail(email);
  if (!user.ok()) {
    log::Warn("password reset request dropped", {{"error", user.status().ToString()}});
    return;
  }
  if (!*user || !(*user)->active) return;
  const std::int64_t now = deps_.clock.NowMillis();
  auto [token, reset] = NewEmailToken(TokenKind::kPasswordReset, (*user)->id, now);
  // At most one reset email per account per resend interval, whoever asks from where.
  auto added =
      store_.AddResetTokenUnlessRecent(reset, now - Ms(options_.resend_interval) + 1,
                                       Event("reset_requested", (*user)->id, "", client, now));
  if (!added.ok()) {
    log::Warn("password reset request dropped", {{"error", added.status().ToString()}});
    return;
  }
  if (!*added) return;  // one was sent recently
  deps_.mailer.Send({email::EmailType::kPasswordReset, (*user)->email, (*user)->username, token});
}

Status AuthService::ResetPassword(std::string_view token, std::string_view next,
                                  const ClientInfo& client) {
  const Status invalid = InvalidArgumentError("invalid, expired or already used token");
  if (token.empty() || token.size() > 256) return invalid;
  if (Status s = ValidatePassword(next); !s.ok()) {
    return InvalidArgumentError("new_password must be 8-1024 bytes of valid UTF-8");
  }
  const std::int64_t now = deps_.clock.NowMillis();
  const std::string hash = TokenHash(token);
  HOWLER_ASSIGN_OR_RETURN(auto user_id,
                          store_.FindUsableToken(TokenKind::kPasswordReset, hash, now));
  if (!user_id) return invalid;
  HOWLER_ASSIGN_OR_RETURN(std::string password_hash, deps_.hasher.Hash(next));
  HOWLER_ASSIGN_OR_RETURN(bool consumed,
                          store_.ResetPassword(hash, *user_id, password_hash, now,
                                               Event("password_reset", *user_id, "", client, now)));
  if (!consumed) return invalid;
  profiles_.Invalidate(*user_id);
  deps_.session_cache.MarkUserRevoked(*user_id);
  return Status::Ok();
}

Status AuthService::Cleanup() {
  const std::int64_t now = deps_.clock.NowMillis();
  HOWLER_RETURN_IF_ERROR(store_.Purge({.sessions_before = now - Ms(std::chrono::hours(24 * 7)),
                                       .attempts_before = now - Ms(std::chrono::hours(24 * 30)),
                                       .tokens_before = now,
                                       .events_before = now - Ms(options_.event_retention),
                                       .now = now}));
  HOWLER_ASSIGN_OR_RETURN(std::int64_t active, store_.CountActiveSessions(now));
  if (deps_.metrics) deps_.metrics->SetActiveSessions(static_cast<double>(active));
  return Status::Ok();
}

}  // namespace howler::auth
