#include "auth/access_token.h"

#include <jwt.h>

#include <charconv>
#include <cstdlib>
#include <memory>
#include <optional>

#include "common/crypto.h"

namespace howler::auth {
namespace {

using std::chrono::seconds;

constexpr std::size_t kJtiBytes = 16;
// 9999-12-31T23:59:59Z: numeric claims beyond this are treated as malformed.
constexpr long kMaxEpochSeconds = 253402300799;

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

Status Invalid() {
  return UnauthenticatedError("invalid or expired token");
}

bool HasNul(std::string_view s) {
  return s.find('\0') != std::string_view::npos;
}

// Three non-empty base64url segments separated by dots.
bool HasJwsShape(std::string_view token) {
  int dots = 0;
  char previous = '.';
  for (char c : token) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '.') {
      if (previous == '.') {
        return false;
      }
      ++dots;
    } else if (!alnum && c != '-' && c != '_') {
      return false;
    }
    previous = c;
  }
  return dots == 2 && previous != '.';
}

// A string claim, or nullopt when missing or not a JSON string.
std::optional<std::string> StringClaim(jwt_t* jwt, const char* name) {
  const char* value = jwt_get_grant(jwt, name);
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

// A non-negative integer claim (Unix seconds), or nullopt when missing, not a JSON
// integer, or out of range. libjwt's jwt_get_grant_int reads a string or a float as 0, so
// the JSON text is checked instead.
std::optional<long> SecondsClaim(jwt_t* jwt, const char* name) {
  CString json(jwt_get_grants_json(jwt, name));
  if (json == nullptr) {
    return std::nullopt;
  }
  const std::string_view text(json.get());
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > kMaxEpochSeconds) {
    return std::nullopt;
  }
  return value;
}

Status AddClaims(jwt_t* jwt, const AccessClaims& c) {
  const std::string issuer(AccessTokenService::kIssuer);
  const std::pair<const char*, const std::string&> strings[] = {
      {"iss", issuer},  {"sub", c.user_id},    {"user_id", c.user_id}, {"username", c.username},
      {"role", c.role}, {"sid", c.session_id}, {"jti", c.jti},
  };
  for (const auto& [name, value] : strings) {
    if (jwt_add_grant(jwt, name, value.c_str()) != 0) {
      return InternalError("could not build access token");
    }
  }
  const long iat = std::chrono::duration_cast<seconds>(c.issued_at.time_since_epoch()).count();
  const long exp = std::chrono::duration_cast<seconds>(c.expires_at.time_since_epoch()).count();
  if (jwt_add_grant_int(jwt, "iat", iat) != 0 || jwt_add_grant_int(jwt, "nbf", iat) != 0 ||
      jwt_add_grant_int(jwt, "exp", exp) != 0) {
    return InternalError("could not build access token");
  }
  return Status::Ok();
}

// The signed HS256 token carrying `claims`.
Result<std::string> Sign(const AccessClaims& claims, const std::string& secret) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) {
    return InternalError("could not build access token");
  }
  JwtPtr jwt(raw);
  HOWLER_RETURN_IF_ERROR(AddClaims(jwt.get(), claims));
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0) {
    return InternalError("could not sign access token");
  }
  CString token(jwt_encode_str(jwt.get()));
  if (token == nullptr) {
    return InternalError("could not sign access token");
  }
  return std::string(token.get());
}

struct DecodedClaims {
  AccessClaims claims;
  TimePoint not_before;
};

// Every claim with its expected type and shape, or nullopt.
std::optional<DecodedClaims> ReadClaims(jwt_t* jwt) {
  const auto iss = StringClaim(jwt, "iss");
  const auto sub = StringClaim(jwt, "sub");
  const auto user_id = StringClaim(jwt, "user_id");
  const auto username = StringClaim(jwt, "username");
  const auto role = StringClaim(jwt, "role");
  const auto sid = StringClaim(jwt, "sid");
  const auto jti = StringClaim(jwt, "jti");
  const auto iat = SecondsClaim(jwt, "iat");
  const auto nbf = SecondsClaim(jwt, "nbf");
  const auto exp = SecondsClaim(jwt, "exp");
  if (!iss || *iss != AccessTokenService::kIssuer || !sub || sub->empty() || !user_id ||
      *user_id != *sub || !username || !role || !sid || sid->empty() || !jti || jti->empty() ||
      !iat || !nbf || !exp) {
    return std::nullopt;
  }
  return DecodedClaims{
      {*sub, *username, *role, *sid, *jti, TimePoint(seconds(*iat)), TimePoint(seconds(*exp))},
      TimePoint(seconds(*nbf))};
}

// Decodes with libjwt, which checks the signature for whatever HMAC alg the header names
// and rejects alg "none" when given a key; only HS256 is then accepted.
JwtPtr DecodeHs256(std::string_view token, const std::string& secret) {
  const std::string text(token);
  jwt_t* raw = nullptr;
  const int rc =
      jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                 static_cast<int>(secret.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || jwt == nullptr || jwt_get_alg(jwt.get()) != JWT_ALG_HS256) {
    return nullptr;
  }
  // libjwt matches the alg name ignoring case; the header must say "HS256" exactly.
  const char* alg = jwt_get_header(jwt.get(), "alg");
  if (alg == nullptr || std::string_view(alg) != "HS256") {
    return nullptr;
  }
  return jwt;
}

}  // namespace

AccessTokenService::AccessTokenService(std::string secret, std::chrono::milliseconds lifetime,
                                       const Clock& clock)
    : secret_(std::move(secret)), lifetime_(std::chrono::ceil<seconds>(lifetime)), clock_(clock) {}

Result<AccessTokenService::Issued> AccessTokenService::Issue(std::string_view user_id,
                                                             std::string_view username,
                                                             std::string_view role,
                                                             std::string_view session_id) const {
  if (secret_.empty() || lifetime_ <= seconds::zero()) {
    return InternalError("access token signing is not configured");
  }
  if (user_id.empty() || session_id.empty() || HasNul(user_id) || HasNul(username) ||
      HasNul(role) || HasNul(session_id)) {
    return InvalidArgumentError("invalid access token subject");
  }
  const TimePoint issued_at = std::chrono::floor<seconds>(clock_.Now());
  AccessClaims claims{std::string(user_id),
                      std::string(username),
                      std::string(role),
                      std::string(session_id),
                      Base64UrlEncode(RandomBytes(kJtiBytes)),
                      issued_at,
                      issued_at + lifetime_};
  HOWLER_ASSIGN_OR_RETURN(std::string token, Sign(claims, secret_));
  return Issued{std::move(token), claims.expires_at, std::move(claims.jti)};
}

Result<AccessClaims> AccessTokenService::Verify(std::string_view token) const {
  if (secret_.empty() || token.empty() || token.size() > kMaxTokenBytes || !HasJwsShape(token)) {
    return Invalid();
  }
  JwtPtr jwt = DecodeHs256(token, secret_);
  if (jwt == nullptr) {
    return Invalid();
  }
  std::optional<DecodedClaims> decoded = ReadClaims(jwt.get());
  if (!decoded) {
    return Invalid();
  }
  const TimePoint now = clock_.Now();
  const AccessClaims& claims = decoded->claims;
  if (now >= claims.expires_at || now + kNotBeforeLeeway < decoded->not_before ||
      now + kNotBeforeLeeway < claims.issued_at) {
    return Invalid();
  }
  return std::move(decoded->claims);
}

}  // namespace howler::auth
