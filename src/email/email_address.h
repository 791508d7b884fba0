// Checks on email addresses before they reach a mail header or an SMTP envelope.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace howler::email {

// A plausible single addr-spec "local@domain": at most 254 bytes, exactly one '@' with
// something on both sides, and no whitespace, control characters or the characters that
// would let it break out of a header or an SMTP command (<>()[],;:"\). Deliverability is the
// mail server's business; this only keeps a bad value from turning into header injection.
bool IsValidAddress(std::string_view address);

// The part after the '@' ("example.com"); empty when there is none.
std::string_view AddressDomain(std::string_view address);

}  // namespace howler::email
