#include "email/mime_message.h"

#include "common/crypto.h"
#include "email/mime_encoding.h"

namespace howler::email {
namespace {

std::string Part(std::string_view boundary, std::string_view content_type, std::string_view body) {
  std::string out = "--" + std::string(boundary) + "\r\n";
  out += "Content-Type: " + std::string(content_type) + "; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += Base64Lines(ToCrlf(body));
  return out;
}

}  // namespace

std::string BuildMimeMessage(const MimeParts& p) {
  std::string out;
  out += "From: " + FormatMailbox(p.from_name, p.from_address) + "\r\n";
  out += "To: " + p.to + "\r\n";
  out += "Subject: " + EncodeHeaderText(p.subject) + "\r\n";
  out += "Date: " + FormatRfc5322Date(p.date) + "\r\n";
  out += "Message-ID: <" + p.message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + p.boundary + "\"\r\n\r\n";
  out += Part(p.boundary, "text/plain", p.text);
  out += Part(p.boundary, "text/html", p.html);
  out += "--" + p.boundary + "--\r\n";
  return out;
}

std::string NewMimeBoundary() {
  return "=_howler_" + HexEncode(RandomBytes(12));
}

}  // namespace howler::email
