#include "email/log_transport.h"

#include "common/log.h"

namespace howler::email {

std::string MaskLinkToken(std::string_view link) {
  // An invitation link carries its token as the last path segment of the fragment.
  constexpr std::string_view kInvite = "/#/invite/";
  if (const std::size_t at = link.find(kInvite); at != std::string_view::npos) {
    return std::string(link.substr(0, at + kInvite.size())) + "****";
  }
  const std::size_t query = link.find('?');
  if (query == std::string_view::npos) return std::string(link);
  std::string out(link.substr(0, query));
  std::string_view rest = link.substr(query);  // starts with '?'
  while (!rest.empty()) {
    const char separator = rest.front();
    rest.remove_prefix(1);
    const std::size_t end = rest.find_first_of("&#");
    const std::string_view param = rest.substr(0, end);
    out.push_back(separator);
    out += param.substr(0, 6) == "token=" ? std::string("token=****") : std::string(param);
    if (end == std::string_view::npos) break;
    if (rest[end] == '#') {
      out += rest.substr(end);
      break;
    }
    rest.remove_prefix(end);
  }
  return out;
}

Status LogTransport::Deliver(const RenderedEmail& email, std::stop_token stop) {
  const std::string link = MaskLinkToken(email.link);
  log::Info("email", {{"transport", "log"},
                      {"type", EmailTypeName(email.type)},
                      {"to", email.to},
                      {"subject", email.subject},
                      {"link", link}});
  return Status::Ok();
}

}  // namespace howler::email
