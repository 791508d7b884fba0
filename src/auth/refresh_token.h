// Refresh tokens: opaque strings derived from a session's secret salt and its rotation
// counter, so the server stores no token and can recompute the current one (API.md: a
// refresh racing another with the token just before the current one gets the current
// pair back).
//
// Format: "rt1." + base64url(session_id) + "." + counter (decimal) + "." +
// base64url(HMAC-SHA256(server_key, "rt1|" + session_id + "|" + counter + "|" + salt)).
// The MAC input is unambiguous because the counter is digits and the salt is hex.
// Only the salt's holder (the session row) and the server key together can mint a token;
// rotating a session's salt invalidates all its tokens.
// Thread-safety: immutable after construction; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace howler::auth {

class RefreshTokenCodec {
 public:
  static constexpr std::size_t kMaxSessionIdBytes = 128;
  static constexpr std::size_t kMaxTokenBytes = 512;

  // `server_key`: for example HmacSha256(jwt_secret, "howlerops refresh token v1").
  explicit RefreshTokenCodec(std::string server_key);

  // The token for `counter` (>= 0) of the session. `session_id` is 1..kMaxSessionIdBytes
  // bytes; violating either precondition yields a token that Parse rejects.
  std::string Make(std::string_view session_id, std::int64_t counter,
                   std::string_view session_salt) const;

  struct Parsed {
    std::string session_id;
    std::int64_t counter = 0;
    std::string mac;  // 32 raw bytes
  };

  // The pieces of a well-formed token, checking structure only (the MAC is not checked:
  // use Matches with the session's salt). Unauthenticated "invalid refresh token" for
  // anything malformed: wrong prefix or number of parts, non-canonical base64url, an empty
  // or too long session id, a counter that is not canonical decimal in [0, 2^63), a MAC
  // that is not 32 bytes, or a token over kMaxTokenBytes.
  Result<Parsed> Parse(std::string_view token) const;

  // True when `parsed` carries the MAC of its session id and counter under `session_salt`
  // (compared in constant time).
  bool Matches(const Parsed& parsed, std::string_view session_salt) const;

  // A new session salt: 32 random bytes, lowercase hex.
  static std::string NewSalt();

 private:
  std::string Mac(std::string_view session_id, std::int64_t counter,
                  std::string_view session_salt) const;

  std::string server_key_;
};

}  // namespace howler::auth
