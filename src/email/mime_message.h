// MIME message building: one email as the bytes an SMTP server receives after DATA.
// Pure functions except NewMimeBoundary (random); all thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"

namespace howler::email {

struct MimeParts {
  std::string from_name;     // may be empty
  std::string from_address;  // addr-spec, validated by the caller
  std::string to;            // addr-spec, validated by the caller
  std::string subject;       // UTF-8
  std::string message_id;    // "unique@domain", without angle brackets
  TimePoint date;
  std::string text;      // UTF-8 plain-text body, any line ends
  std::string html;      // UTF-8 HTML body, any line ends
  std::string boundary;  // must not occur in the bodies' base64 (any string with '-' or '_')
};

// A multipart/alternative message (text/plain, then text/html, each UTF-8 in base64) with
// From, To, Subject (RFC 2047 when not ASCII), Date, Message-ID, MIME-Version and
// Auto-Submitted headers. Every line ends with CRLF; no line exceeds 998 characters.
std::string BuildMimeMessage(const MimeParts& parts);

// "=_howler_" plus 24 random hex digits.
std::string NewMimeBoundary();

}  // namespace howler::email
