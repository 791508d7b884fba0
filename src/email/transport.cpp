#include "email/transport.h"

#include "common/crypto.h"

namespace howler::email {

bool IsTransient(const Status& status) {
  return status.code() == StatusCode::kUnavailable ||
         status.code() == StatusCode::kResourceExhausted;
}

std::string NewEmailId() {
  return HexEncode(RandomBytes(16));
}

}  // namespace howler::email
