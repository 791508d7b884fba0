#include "auth/validation.h"

#include <algorithm>
#include <cctype>

namespace howler::auth {
namespace {

bool IsUsernameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

bool IsDomainLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
           static_cast<unsigned char>(c) >= 0x80;
  });
}

bool IsLocalPart(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(local.begin(), local.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f && c != '@' && c != '"' && c != '(' && c != ')' && c != ',' &&
           c != ':' && c != ';' && c != '<' && c != '>' && c != '[' && c != '\\' && c != ']';
  });
}

}  // namespace

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status ValidateUsername(std::string_view username) {
  if (username.size() < 3 || username.size() > 32 ||
      !std::all_of(username.begin(), username.end(), IsUsernameChar)) {
    return InvalidArgumentError(
        "username must be 3-32 characters of letters, digits, '.', '_' or '-'");
  }
  return Status::Ok();
}

Result<std::string> NormalizeEmail(std::string_view email) {
  const Status bad = InvalidArgumentError("email must be a valid email address");
  if (email.size() < 3 || email.size() > 254) return bad;
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos || !IsLocalPart(email.substr(0, at))) return bad;
  const std::string_view domain = email.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.back() == '.') return bad;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    if (!IsDomainLabel(domain.substr(start, dot - start))) return bad;
    start = dot + 1;
  }
  return ToLower(email);
}

}  // namespace howler::auth
