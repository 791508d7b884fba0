// Mailer: the seam through which auth sends its emails (DESIGN.md section 2, `email/`).
//
// A caller hands over a typed message for one recipient; delivery happens later, away
// from the request, so a slow or broken mail provider never slows signup or reset.
#pragma once

#include <string>
#include <string_view>

namespace howler::email {

enum class EmailType { kVerification, kPasswordReset, kWelcome, kInvitation };

// "verification", "password_reset", "welcome", "invitation" (also the metrics label).
std::string_view EmailTypeName(EmailType type);

struct EmailMessage {
  EmailType type = EmailType::kWelcome;
  std::string to;        // one address
  std::string username;  // for the greeting
  // Verification / reset token (raw); empty for welcome. The templates build the link:
  // EMAIL_BASE_URL + "/verify-email?token=" or "/reset-password?token=" + url-encoded token.
  // EMAIL_BASE_URL + "/#/invite/" + token for an invitation (the client's invite page).
  std::string token;
  // Invitation only: the organization's name and the inviter's username, and the role.
  std::string organization{};
  std::string inviter{};
  std::string role{};
};

// Accepts messages for asynchronous delivery. Thread-safe. Send never blocks: it returns
// false (and logs + counts the drop) when the queue is full or the mailer is shutting down.
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual bool Send(EmailMessage message) = 0;
};

}  // namespace howler::email
