// Transport: one synchronous attempt to hand a rendered email to a mail provider.
//
// The QueuedMailer calls Deliver from its single worker thread and decides about retries
// from the returned code:
//   OK                                      accepted by the provider
//   UNAVAILABLE, RESOURCE_EXHAUSTED         transient: worth another attempt later
//   CANCELLED                               `stop` was requested during the attempt
//   anything else (INVALID_ARGUMENT,        permanent: retrying cannot help
//     FAILED_PRECONDITION, PERMISSION_DENIED, INTERNAL)
// Status messages are safe to log: they never contain the token, the link, an API key
// or a password.
#pragma once

#include <stop_token>
#include <string>
#include <string_view>

#include "common/status.h"
#include "email/templates.h"

namespace howler::email {

class Transport {
 public:
  virtual ~Transport() = default;

  // "resend", "smtp", "log", ... (the `transport` metrics label).
  virtual std::string_view name() const = 0;

  // Blocks for at most the transport's own timeouts, and returns CANCELLED soon after
  // `stop` is requested. Implementations in this folder are safe to call from several
  // threads at once.
  virtual Status Deliver(const RenderedEmail& email, std::stop_token stop) = 0;
};

// UNAVAILABLE or RESOURCE_EXHAUSTED.
bool IsTransient(const Status& status);

// 32 random lowercase hex digits: an id for RenderedEmail::id.
std::string NewEmailId();

}  // namespace howler::email
