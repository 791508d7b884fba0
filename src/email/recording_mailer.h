// RecordingMailer: a Mailer for tests. It keeps every accepted message in order and
// delivers nothing; SetAccepting(false) makes Send refuse like a full queue.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "email/mailer.h"

namespace howler::email {

class RecordingMailer final : public Mailer {
 public:
  // Records the message and returns true, or returns false while not accepting.
  bool Send(EmailMessage message) override;

  void SetAccepting(bool accepting);
  std::vector<EmailMessage> messages() const;
  // The newest message of `type` sent to `to`.
  std::optional<EmailMessage> Last(EmailType type, std::string_view to) const;
  // Messages refused while not accepting.
  std::size_t refused() const;
  void Clear();

 private:
  mutable std::mutex mu_;
  std::vector<EmailMessage> messages_;
  bool accepting_ = true;
  std::size_t refused_ = 0;
};

}  // namespace howler::email
