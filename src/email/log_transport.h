// LogTransport: the development and test "delivery": one structured log line per email
// (transport, type, recipient, subject and the action link with its token masked). It
// always succeeds. Production refuses to start with it (config/loader.h).
//
// Thread-safety: Deliver may be called from several threads at once.
#pragma once

#include <string>
#include <string_view>

#include "email/transport.h"

namespace howler::email {

class LogTransport final : public Transport {
 public:
  std::string_view name() const override { return "log"; }
  Status Deliver(const RenderedEmail& email, std::stop_token stop) override;
};

// The link with the value of every `token` query parameter replaced by "****":
// "http://x/verify-email?token=****"; an invitation link's token segment likewise:
// "http://x/#/invite/****". Links without a token come back unchanged.
std::string MaskLinkToken(std::string_view link);

}  // namespace howler::email
