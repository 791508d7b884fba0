#include "auth/password_hasher.h"

#include <sodium.h>

#include <array>

#include "common/crypto.h"

namespace howler::auth {
namespace {

constexpr std::string_view kArgon2idPrefix = "$argon2id$";
constexpr std::string_view kDummyPassword = "howlerops dummy password for unknown users";

using PhcBuffer = std::array<char, crypto_pwhash_STRBYTES>;

// `phc` as the NUL-terminated buffer libsodium reads; false when it cannot be one.
bool ToPhcBuffer(std::string_view phc, PhcBuffer* out) {
  if (phc.empty() || phc.size() >= out->size() || phc.find('\0') != std::string_view::npos) {
    return false;
  }
  out->fill('\0');
  phc.copy(out->data(), phc.size());
  return true;
}

unsigned long long OpsLimit(const PasswordParams& p) {
  return p.iterations;
}

std::size_t MemLimit(const PasswordParams& p) {
  return static_cast<std::size_t>(p.memory_kib) * 1024;
}

// The number of bytes in the UTF-8 sequence starting with `lead`, or 0 when `lead` cannot
// start one (a continuation byte, an overlong C0/C1 lead, or F5..FF).
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) {
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    return 4;
  }
  return 0;
}

// Whether `byte` may follow at position `index` (1..3) of the sequence led by `lead`
// (RFC 3629 section 4). The second byte's narrower ranges exclude overlongs (E0, F0),
// surrogates (ED) and code points above U+10FFFF (F4).
bool ValidContinuation(unsigned char lead, int index, unsigned char byte) {
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (index == 1) {
    if (lead == 0xE0) {
      low = 0xA0;
    } else if (lead == 0xED) {
      high = 0x9F;
    } else if (lead == 0xF0) {
      low = 0x90;
    } else if (lead == 0xF4) {
      high = 0x8F;
    }
  }
  return byte >= low && byte <= high;
}

}  // namespace

Status PasswordHasher::CheckParams(const PasswordParams& params) {
  // The maxima (2^32-1 passes, 4 TiB) are beyond what the uint32 fields can express.
  if (params.iterations < crypto_pwhash_OPSLIMIT_MIN) {
    return InvalidArgumentError("password hash iterations must be at least 1");
  }
  if (MemLimit(params) < crypto_pwhash_MEMLIMIT_MIN) {
    return InvalidArgumentError("password hash memory must be at least 8 KiB");
  }
  return Status::Ok();
}

PasswordHasher::PasswordHasher(PasswordParams params) : params_(params) {
  auto dummy = Hash(kDummyPassword);
  if (dummy.ok()) {
    dummy_phc_ = std::move(dummy).value();
  }
}

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  HOWLER_RETURN_IF_ERROR(CheckParams(params_));
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgumentError("password is too long");
  }
  EnsureSodium();
  PhcBuffer out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), OpsLimit(params_),
                            MemLimit(params_), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return InternalError("password hashing failed");
  }
  return std::string(out.data());
}

bool PasswordHasher::Verify(std::string_view phc, std::string_view password) const {
  PhcBuffer buffer{};
  if (password.size() > kMaxPasswordBytes || !ToPhcBuffer(phc, &buffer)) {
    return false;
  }
  EnsureSodium();
  return crypto_pwhash_str_verify(buffer.data(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view phc) const {
  PhcBuffer buffer{};
  if (!phc.starts_with(kArgon2idPrefix) || !ToPhcBuffer(phc, &buffer)) {
    return true;
  }
  EnsureSodium();
  return crypto_pwhash_str_needs_rehash(buffer.data(), OpsLimit(params_), MemLimit(params_)) != 0;
}

void PasswordHasher::SpendEquivalentTime(std::string_view password) const {
  // The result is deliberately ignored: the caller answers "invalid" either way.
  static_cast<void>(Verify(dummy_phc_, password));
}

Status ValidatePassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes ||
      !IsValidUtf8(password)) {
    return InvalidArgumentError("password must be 8-1024 bytes of valid UTF-8");
  }
  return Status::Ok();
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int length = SequenceLength(lead);
    if (length == 0 || text.size() - i < static_cast<std::size_t>(length)) {
      return false;
    }
    for (int k = 1; k < length; ++k) {
      if (!ValidContinuation(lead, k, static_cast<unsigned char>(text[i + k]))) {
        return false;
      }
    }
    i += static_cast<std::size_t>(length);
  }
  return true;
}

}  // namespace howler::auth
