// SmtpTransport: delivery to the install's own mail server (self-hosted installs).
//
// `url` is SMTP_URL: smtp://[user:pass@]host[:port] (STARTTLS used when the server offers
// it) or smtps://... (TLS from the start); credentials in the URL are used for AUTH. Each
// attempt sends one multipart/alternative MIME message (mime_message.h) to one recipient.
// Connection failures, timeouts and 4xx replies are UNAVAILABLE (retried); rejected
// credentials PERMISSION_DENIED; 5xx replies INVALID_ARGUMENT. Neither the URL nor its
// password appears in a Status or a log line.
//
// Thread-safety: Deliver may be called from several threads at once.
#pragma once

#include <string>
#include <string_view>

#include "email/transport.h"

namespace howler::email {

struct SmtpOptions {
  std::string url;
  std::string from_email = "noreply@localhost";  // envelope sender and From address
  std::string from_name = "Howlerops";
  // CA certificates (PEM file) to verify the server with instead of the system store.
  std::string ca_file;
};

class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(SmtpOptions options);

  std::string_view name() const override { return "smtp"; }
  Status Deliver(const RenderedEmail& email, std::stop_token stop) override;

 private:
  std::string BuildMessage(const RenderedEmail& email) const;

  SmtpOptions options_;
};

}  // namespace howler::email
