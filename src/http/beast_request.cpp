#include "http/beast_request.h"

#include <boost/url/parse.hpp>

namespace howler::http {
namespace {

void DecodeTarget(std::string_view target, Request& out) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    out.path = std::string(target.substr(0, target.find('?')));
    return;
  }
  out.path = parsed->path();
  for (auto param : parsed->params()) {
    out.query.emplace(param.key, param.has_value ? param.value : std::string());
  }
}

}  // namespace

Request FromBeastRequest(BeastRequest& in, std::string peer_ip) {
  Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  out.version = in.version();
  DecodeTarget(out.target, out);
  for (const auto& field : in) {
    out.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.peer_ip = std::move(peer_ip);
  return out;
}

}  // namespace howler::http
