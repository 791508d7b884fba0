// Email templates: the subject, plain-text and HTML bodies of each EmailType.
//
// Every value interpolated into the HTML (username, product name, link) is HTML-escaped;
// the token is percent-encoded into the link. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "email/mailer.h"

namespace howler::email {

struct TemplateContext {
  std::string product_name = "Howlerops";
  std::string base_url = "http://localhost:3000";  // EMAIL_BASE_URL; a trailing '/' is ignored
  std::chrono::minutes verification_ttl = std::chrono::hours(24);  // expiry wording only
  std::chrono::minutes reset_ttl = std::chrono::hours(1);
  std::chrono::minutes invitation_ttl = std::chrono::hours(7 * 24);
};

// One message ready for a transport.
struct RenderedEmail {
  EmailType type = EmailType::kWelcome;
  std::string to;
  std::string subject;  // UTF-8, unencoded
  std::string text;     // UTF-8, '\n' line ends
  std::string html;     // UTF-8
  // The action link. For verification and reset it carries the token: never log it unmasked.
  std::string link;
  // Unique per message and the same on every attempt (Message-ID, Idempotency-Key); set by
  // the mailer, empty when a transport is called directly (the transport then makes one).
  std::string id;
};

// The link of a message: base_url + "/verify-email?token=" / "/reset-password?token=" /
// "/#/invite/" + percent-encoded token; base_url itself for welcome.
std::string ActionLink(const EmailMessage& message, const TemplateContext& context);

// "24 hours", "1 hour", "30 minutes", "1 minute".
std::string ExpiryWording(std::chrono::minutes ttl);

RenderedEmail Render(const EmailMessage& message, const TemplateContext& context);

}  // namespace howler::email
