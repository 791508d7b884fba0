#include "email/transport_factory.h"

#include "email/log_transport.h"
#include "email/resend_transport.h"
#include "email/smtp_transport.h"

namespace howler::email {
namespace {

std::string SenderName(const EmailOptions& options) {
  return options.resend_from_name.empty() ? options.product_name : options.resend_from_name;
}

}  // namespace

std::unique_ptr<Transport> MakeTransport(const EmailOptions& options) {
  if (!options.resend_api_key.empty()) {
    ResendOptions resend;
    resend.api_key = options.resend_api_key;
    resend.from_email = options.resend_from_email;
    resend.from_name = SenderName(options);
    if (!options.resend_api_url.empty()) resend.api_url = options.resend_api_url;
    return std::make_unique<ResendTransport>(std::move(resend));
  }
  if (!options.smtp_url.empty()) {
    SmtpOptions smtp;
    smtp.url = options.smtp_url;
    smtp.from_email =
        options.resend_from_email.empty() ? kDefaultSmtpSender : options.resend_from_email;
    smtp.from_name = SenderName(options);
    return std::make_unique<SmtpTransport>(std::move(smtp));
  }
  return std::make_unique<LogTransport>();
}

TemplateContext MakeTemplateContext(const EmailOptions& options) {
  TemplateContext context;
  context.product_name = options.product_name;
  if (!options.base_url.empty()) context.base_url = options.base_url;
  return context;
}

}  // namespace howler::email
