#include "email/smtp_transport.h"

#include <algorithm>
#include <cstring>

#include "email/curl_easy.h"
#include "email/email_address.h"
#include "email/mime_message.h"

namespace howler::email {
namespace {

struct Upload {
  std::string_view rest;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* data) {
  auto* upload = static_cast<Upload*>(data);
  const std::size_t n = std::min(size * count, upload->rest.size());
  std::memcpy(buffer, upload->rest.data(), n);
  upload->rest.remove_prefix(n);
  return n;
}

// A failed transfer refined by the server's last reply code, when there was one.
Status Refine(Status status, long reply) {
  if (status.ok() || status.code() == StatusCode::kCancelled) return status;
  const std::string message = status.message() + " [reply " + std::to_string(reply) + "]";
  if (reply >= 400 && reply <= 499) return UnavailableError(message);
  if (reply == 530 || reply == 534 || reply == 535) return PermissionDeniedError(message);
  if (reply >= 500 && reply <= 599) return InvalidArgumentError(message);
  return status;
}

}  // namespace

SmtpTransport::SmtpTransport(SmtpOptions options) : options_(std::move(options)) {}

std::string SmtpTransport::BuildMessage(const RenderedEmail& email) const {
  MimeParts parts;
  parts.from_name = options_.from_name;
  parts.from_address = options_.from_email;
  parts.to = email.to;
  parts.subject = email.subject;
  const std::string_view domain = AddressDomain(options_.from_email);
  parts.message_id = (email.id.empty() ? NewEmailId() : email.id) + "@" + std::string(domain);
  parts.date = std::chrono::system_clock::now();
  parts.text = email.text;
  parts.html = email.html;
  parts.boundary = NewMimeBoundary();
  return BuildMimeMessage(parts);
}

Status SmtpTransport::Deliver(const RenderedEmail& email, std::stop_token stop) {
  if (options_.url.empty()) return FailedPreconditionError("smtp: no SMTP_URL");
  if (!IsValidAddress(options_.from_email)) {
    return FailedPreconditionError("smtp: invalid sender address");
  }
  if (!IsValidAddress(email.to)) return InvalidArgumentError("smtp: invalid recipient address");

  const std::string message = BuildMessage(email);
  const std::string mail_from = "<" + options_.from_email + ">";
  CurlList recipients;
  recipients.Append("<" + email.to + ">");
  Upload upload{message};

  CurlEasy curl;
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  const Status status = curl.Perform(stop, "smtp");
  return Refine(status, curl.ResponseCode());
}

}  // namespace howler::email
