#include "email/templates.h"

#include <string_view>

#include "email/escaping.h"

namespace howler::email {
namespace {

// The words of one email; the layouts below turn them into text and HTML.
struct Content {
  std::string subject;
  std::string heading;
  std::string intro;
  std::string action;
  std::string expiry;  // may be empty
  std::string footer;
};

Content VerificationContent(const TemplateContext& c) {
  const std::string& p = c.product_name;
  return {"Verify your email for " + p,
          "Confirm your email address",
          "Thanks for signing up for " + p +
              ". Please confirm your email address to finish setting up your account.",
          "Verify email",
          "This link expires in " + ExpiryWording(c.verification_ttl) + ".",
          "If you did not create a " + p + " account, you can ignore this email."};
}

Content ResetContent(const TemplateContext& c) {
  const std::string& p = c.product_name;
  return {"Reset your " + p + " password",
          "Reset your password",
          "We received a request to reset the password of your " + p + " account.",
          "Reset password",
          "This link expires in " + ExpiryWording(c.reset_ttl) + " and works only once.",
          "If you did not ask for a password reset, you can ignore this email: your password "
          "stays unchanged."};
}

Content WelcomeContent(const TemplateContext& c) {
  const std::string& p = c.product_name;
  return {"Welcome to " + p,
          "Welcome to " + p,
          "Your account is ready. Your saved connections, queries and history now stay in "
          "sync across your devices.",
          "Open " + p,
          "",
          "You are receiving this email because you created a " + p + " account."};
}

Content InvitationContent(const EmailMessage& m, const TemplateContext& c) {
  const std::string& p = c.product_name;
  const std::string who = m.inviter.empty() ? std::string("A team member") : m.inviter;
  return {"You are invited to join " + m.organization + " on " + p,
          "Join " + m.organization,
          who + " invited you to join the organization " + m.organization + " on " + p + " as " +
              (m.role == "admin" ? "an admin" : "a member") + ".",
          "View invitation",
          "This invitation expires in " + ExpiryWording(c.invitation_ttl) + " and works only once.",
          "If you did not expect this invitation, you can ignore this email."};
}

Content ContentFor(const EmailMessage& m, const TemplateContext& c) {
  switch (m.type) {
    case EmailType::kInvitation:
      return InvitationContent(m, c);
    case EmailType::kVerification:
      return VerificationContent(c);
    case EmailType::kPasswordReset:
      return ResetContent(c);
    case EmailType::kWelcome:
      break;
  }
  return WelcomeContent(c);
}

std::string Greeting(std::string_view username) {
  return username.empty() ? std::string("Hi,") : "Hi " + std::string(username) + ",";
}

std::string TextBody(const Content& c, std::string_view username, std::string_view link,
                     std::string_view product) {
  std::string out = Greeting(username) + "\n\n" + c.intro + "\n\n";
  out += c.action + ": " + std::string(link) + "\n\n";
  if (!c.expiry.empty()) out += c.expiry + "\n\n";
  out += c.footer + "\n\n-- \nThe " + std::string(product) + " team\n";
  return out;
}

constexpr std::string_view kMuted = "font-size:13px;line-height:20px;color:#52525b;";

std::string HtmlBody(const Content& c, std::string_view username, std::string_view link,
                     std::string_view product) {
  const std::string href = HtmlEscape(link);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      HtmlEscape(c.subject) +
      "</title>\n</head>\n"
      "<body style=\"margin:0;padding:24px;background:#f4f4f5;color:#18181b;"
      "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;\">\n"
      "<div style=\"max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;"
      "padding:32px;font-size:15px;line-height:24px;\">\n";
  out += "<h1 style=\"font-size:20px;margin:0 0 16px;\">" + HtmlEscape(c.heading) + "</h1>\n";
  out += "<p>" + HtmlEscape(Greeting(username)) + "</p>\n";
  out += "<p>" + HtmlEscape(c.intro) + "</p>\n";
  out += "<p style=\"margin:24px 0;\"><a href=\"" + href +
         "\" style=\"background:#2563eb;color:#ffffff;padding:12px 20px;border-radius:6px;"
         "text-decoration:none;display:inline-block;\">" +
         HtmlEscape(c.action) + "</a></p>\n";
  out += "<p style=\"" + std::string(kMuted) +
         "\">If the button does not work, copy this link into your browser:<br>\n<a href=\"" +
         href + "\">" + href + "</a></p>\n";
  if (!c.expiry.empty()) out += "<p>" + HtmlEscape(c.expiry) + "</p>\n";
  out += "<p style=\"" + std::string(kMuted) + "\">" + HtmlEscape(c.footer) + "</p>\n";
  out += "<p>The " + HtmlEscape(product) + " team</p>\n</div>\n</body>\n</html>\n";
  return out;
}

std::string_view TrimTrailingSlashes(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return url;
}

std::string Plural(long long n, std::string_view unit) {
  return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

}  // namespace

std::string ActionLink(const EmailMessage& message, const TemplateContext& context) {
  const std::string base(TrimTrailingSlashes(context.base_url));
  switch (message.type) {
    case EmailType::kVerification:
      return base + "/verify-email?token=" + UrlEncodeComponent(message.token);
    case EmailType::kPasswordReset:
      return base + "/reset-password?token=" + UrlEncodeComponent(message.token);
    case EmailType::kInvitation:
      return base + "/#/invite/" + UrlEncodeComponent(message.token);
    case EmailType::kWelcome:
      break;
  }
  return base.empty() ? std::string("/") : base;
}

std::string ExpiryWording(std::chrono::minutes ttl) {
  const long long minutes = ttl.count();
  if (minutes > 0 && minutes % 60 == 0) return Plural(minutes / 60, "hour");
  return Plural(minutes, "minute");
}

RenderedEmail Render(const EmailMessage& message, const TemplateContext& context) {
  const Content content = ContentFor(message, context);
  RenderedEmail out;
  out.type = message.type;
  out.to = message.to;
  out.subject = content.subject;
  out.link = ActionLink(message, context);
  out.text = TextBody(content, message.username, out.link, context.product_name);
  out.html = HtmlBody(content, message.username, out.link, context.product_name);
  return out;
}

}  // namespace howler::email
