// The choice of mail transport from configuration (API.md "Configuration"): Resend when
// RESEND_API_KEY is set, else SMTP when SMTP_URL is set, else the log transport. Refusing
// the log transport in production is config's job (config/loader.h). Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "email/templates.h"
#include "email/transport.h"

namespace howler::email {

struct EmailOptions {
  std::string resend_api_key;     // RESEND_API_KEY
  std::string resend_from_email;  // RESEND_FROM_EMAIL; also the SMTP sender when set
  std::string resend_from_name;   // RESEND_FROM_NAME; product_name when empty
  std::string resend_api_url;     // RESEND_API_URL; https://api.resend.com when empty
  std::string smtp_url;           // SMTP_URL
  std::string base_url;           // EMAIL_BASE_URL
  std::string product_name = "Howlerops";
};

// The SMTP sender when RESEND_FROM_EMAIL is not set.
inline constexpr const char* kDefaultSmtpSender = "noreply@localhost";

std::unique_ptr<Transport> MakeTransport(const EmailOptions& options);

// The templates' context: product name and base URL from the options.
TemplateContext MakeTemplateContext(const EmailOptions& options);

}  // namespace howler::email
