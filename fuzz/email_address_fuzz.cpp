// email::IsValidAddress (email/email_address.h): an accepted address can never break out
// of a header or an SMTP command, and its domain is the text after its one '@'.
#include <cstdint>

#include "email/email_address.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view address = howler::fuzz::AsText(data, size);
  const std::string_view domain = howler::email::AddressDomain(address);
  FUZZ_CHECK(domain.size() <= address.size());
  if (!howler::email::IsValidAddress(address)) return 0;
  FUZZ_CHECK(address.size() <= 254);
  for (const char c : address) {
    const auto u = static_cast<unsigned char>(c);
    FUZZ_CHECK(u > 0x20 && u != 0x7f);
    FUZZ_CHECK(std::string_view("<>()[],;:\"\\").find(c) == std::string_view::npos);
  }
  const std::size_t at = address.find('@');
  FUZZ_CHECK(at != std::string_view::npos && at > 0 && at + 1 < address.size());
  FUZZ_CHECK(address.find('@', at + 1) == std::string_view::npos);
  FUZZ_CHECK(domain == address.substr(at + 1));
  return 0;
}
