#include "email/mailer.h"

namespace howler::email {

std::string_view EmailTypeName(EmailType type) {
  switch (type) {
    case EmailType::kVerification:
      return "verification";
    case EmailType::kPasswordReset:
      return "password_reset";
    case EmailType::kWelcome:
      return "welcome";
    case EmailType::kInvitation:
      return "invitation";
  }
  return "unknown";
}

}  // namespace howler::email
