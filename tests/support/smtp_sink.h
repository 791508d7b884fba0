// SmtpSink: a real SMTP server on a free loopback port for tests. It runs
// tests/support/smtp_sink.py (aiosmtpd, under /usr/bin/python3), which stores every message
// it receives as a JSON file; Messages() and WaitFor() read them back, decoded by Python's
// email package. The destructor stops the server (it also exits by itself when this
// process dies, as its stdin closes).
//
// Recipients whose local part starts with "reject" get 550 and "tempfail" get 451.
//
// Thread-safety: the const methods may be called from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace howler::testing {

struct SmtpSinkOptions {
  // When set, AUTH (PLAIN or LOGIN, allowed without TLS) with these credentials is required.
  std::string auth_user;
  std::string auth_password;
  // How long the server waits before answering DATA (a slow mail server).
  std::chrono::milliseconds data_delay{0};
  // Offer STARTTLS with a fresh self-signed certificate for 127.0.0.1 (see cert_file()).
  bool starttls = false;
};

class SmtpSink {
 public:
  struct Message {
    std::string mail_from;             // envelope sender
    std::vector<std::string> to;       // envelope recipients
    std::string subject;               // decoded
    std::string text;                  // decoded text/plain part, "\n" line ends
    std::string html;                  // decoded text/html part, "\n" line ends
    std::string raw;                   // the message as received
    std::string content_type;          // "multipart/alternative"
    std::vector<std::string> parts;    // content types of the top-level parts
    std::vector<std::string> defects;  // parser defects (empty for a valid message)
    std::string message_id, date;      // header values
    std::string auth_login;            // the AUTH user, empty without AUTH
    bool tls = false;                  // STARTTLS was used
  };

  // Starts the server and waits until it accepts connections; fails the calling test
  // (ADD_FAILURE) when it cannot.
  explicit SmtpSink(const SmtpSinkOptions& options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  bool running() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  std::string url() const;  // "smtp://127.0.0.1:PORT"
  // The server's certificate (PEM) when started with starttls, else empty.
  std::filesystem::path cert_file() const;
  // The directory the messages are written to (one JSON file each; see smtp_sink.py), for
  // a test driven by another process (the console's browser test reads it).
  const std::filesystem::path& dir() const { return dir_; }

  // Every message received so far, oldest first.
  std::vector<Message> Messages() const;
  // The newest message to `to` whose subject contains `subject_contains`, waiting up to
  // `timeout` for one to arrive.
  std::optional<Message> WaitFor(std::string_view to, std::string_view subject_contains,
                                 std::chrono::seconds timeout) const;

 private:
  void Start(const SmtpSinkOptions& options);
  void Stop();

  std::filesystem::path dir_;
  bool starttls_ = false;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::uint16_t port_ = 0;
};

// The percent-decoded token of the first link "<path>?token=..." in `text` (plain text or
// HTML); empty when there is none. ExtractTokenFromLink(mail.text, "/verify-email").
std::string ExtractTokenFromLink(std::string_view text, std::string_view path);

}  // namespace howler::testing
