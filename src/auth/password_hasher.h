// Password hashing (Argon2id via libsodium) and the password rule of API.md.
//
// Hash, Verify, NeedsRehash and SpendEquivalentTime block for one Argon2id computation
// (tens of milliseconds with production parameters): call them on a worker thread, never
// on an I/O thread. A PasswordHasher is immutable after construction and safe to use from
// any number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace howler::auth {

// The longest password accepted anywhere, in bytes.
inline constexpr std::size_t kMaxPasswordBytes = 1024;
inline constexpr std::size_t kMinPasswordBytes = 8;

// Argon2id cost parameters (PASSWORD_HASH_MEMORY_KIB, PASSWORD_HASH_ITERATIONS).
struct PasswordParams {
  std::uint32_t memory_kib = 19456;
  std::uint32_t iterations = 2;
};

class PasswordHasher {
 public:
  // OK when libsodium accepts `params` (memory >= 8 KiB, iterations >= 1, within its
  // maxima). A hasher built with rejected params fails every Hash with InvalidArgument.
  static Status CheckParams(const PasswordParams& params);

  // Also computes the dummy hash used by SpendEquivalentTime (one hash).
  explicit PasswordHasher(PasswordParams params);

  const PasswordParams& params() const { return params_; }

  // A PHC string "$argon2id$v=19$m=<kib>,t=<iterations>,p=1$<salt>$<hash>" with a fresh
  // random salt. `password` is arbitrary bytes; more than kMaxPasswordBytes is
  // InvalidArgument. Internal when libsodium fails (for example out of memory).
  Result<std::string> Hash(std::string_view password) const;

  // True when `password` matches `phc`. False for a wrong password, a malformed or
  // non-Argon2 `phc`, or a password longer than kMaxPasswordBytes. The cost is the one
  // recorded in `phc`, so only pass hashes this server made.
  bool Verify(std::string_view phc, std::string_view password) const;

  // True when `phc` is not an Argon2id hash with exactly this hasher's parameters
  // (including malformed input): the caller should store a fresh Hash after a successful
  // Verify.
  bool NeedsRehash(std::string_view phc) const;

  // Costs what Verify costs for a real user, and always "fails": call it for an unknown
  // user so response time does not reveal whether an account exists.
  void SpendEquivalentTime(std::string_view password) const;

 private:
  PasswordParams params_;
  std::string dummy_phc_;
};

// OK when `password` is 8-1024 bytes of valid UTF-8; otherwise InvalidArgument
// "password must be 8-1024 bytes of valid UTF-8".
Status ValidatePassword(std::string_view password);

// Strict UTF-8 (RFC 3629): rejects overlong forms, surrogates (U+D800..U+DFFF), code points
// above U+10FFFF, and truncated or stray continuation bytes. U+0000 is valid.
bool IsValidUtf8(std::string_view text);

}  // namespace howler::auth
