// ResendTransport: delivery through the Resend HTTP API (production).
//
//   POST {api_url}/emails
//   Authorization: Bearer {api_key}, Idempotency-Key: {email id}
//   {"from": "Name <addr>", "to": [addr], "subject", "html", "text"}
//
// 200/201 with an "id" is success. 429 is RESOURCE_EXHAUSTED and 5xx UNAVAILABLE (both
// retried by the mailer); 401/403 PERMISSION_DENIED; other 4xx INVALID_ARGUMENT; anything
// else INTERNAL. Error messages carry the status and Resend's JSON error (name, message)
// when the body is JSON. The API key never appears in a Status or a log line.
//
// Thread-safety: Deliver may be called from several threads at once.
#pragma once

#include <string>
#include <string_view>

#include "email/transport.h"

namespace howler::email {

struct ResendOptions {
  std::string api_key;
  std::string from_email;
  std::string from_name = "Howlerops";
  std::string api_url = "https://api.resend.com";  // a trailing '/' is ignored
};

class ResendTransport final : public Transport {
 public:
  explicit ResendTransport(ResendOptions options);

  std::string_view name() const override { return "resend"; }
  Status Deliver(const RenderedEmail& email, std::stop_token stop) override;

 private:
  ResendOptions options_;
};

// The JSON request body (exposed for tests).
std::string ResendRequestBody(const ResendOptions& options, const RenderedEmail& email);

// The outcome of a response: OK for 200/201 with a string "id", else an error as above
// (exposed for tests).
Status ResendResponseStatus(long http_status, std::string_view body);

}  // namespace howler::email
