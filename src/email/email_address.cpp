#include "email/email_address.h"

#include <algorithm>

namespace howler::email {
namespace {

bool IsForbidden(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b <= 0x20 || b == 0x7F) return true;  // controls, space, CR, LF
  constexpr std::string_view kSpecials = "<>()[],;:\"\\";
  return kSpecials.find(c) != std::string_view::npos;
}

}  // namespace

bool IsValidAddress(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  if (std::count(address.begin(), address.end(), '@') != 1) return false;
  const std::size_t at = address.find('@');
  if (at == 0 || at + 1 == address.size()) return false;
  return std::none_of(address.begin(), address.end(), IsForbidden);
}

std::string_view AddressDomain(std::string_view address) {
  const std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

}  // namespace howler::email
