#include "email/recording_mailer.h"

namespace howler::email {

bool RecordingMailer::Send(EmailMessage message) {
  std::lock_guard lock(mu_);
  if (!accepting_) {
    ++refused_;
    return false;
  }
  messages_.push_back(std::move(message));
  return true;
}

void RecordingMailer::SetAccepting(bool accepting) {
  std::lock_guard lock(mu_);
  accepting_ = accepting;
}

std::vector<EmailMessage> RecordingMailer::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

std::optional<EmailMessage> RecordingMailer::Last(EmailType type, std::string_view to) const {
  std::lock_guard lock(mu_);
  for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
    if (it->type == type && it->to == to) return *it;
  }
  return std::nullopt;
}

std::size_t RecordingMailer::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

void RecordingMailer::Clear() {
  std::lock_guard lock(mu_);
  messages_.clear();
  refused_ = 0;
}

}  // namespace howler::email
