// The MIME encodings (email/mime_encoding.h) over any text: header text and mailboxes
// never hold a line break that is not folding (CRLF followed by a space) or a NUL, so a
// value can never start a header (for a mailbox: any name, an address IsValidAddress
// accepts); ToCrlf leaves only CRLF line ends; base64 lines stay short.
#include <cstdint>

#include "email/email_address.h"
#include "email/mime_encoding.h"
#include "fuzz/fuzz_check.h"

namespace {

// Every CR is followed by LF and SP (folding), and every LF follows a CR.
void CheckFoldedHeader(std::string_view h) {
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (h[i] == '\r') FUZZ_CHECK(i + 2 < h.size() && h[i + 1] == '\n' && h[i + 2] == ' ');
    if (h[i] == '\n') FUZZ_CHECK(i > 0 && h[i - 1] == '\r');
    FUZZ_CHECK(h[i] != '\0');
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace howler::email;
  const std::string_view text = howler::fuzz::AsText(data, size);
  const std::size_t split = text.find('\x01');
  const std::string_view name = text.substr(0, split);
  const std::string_view address =
      split == std::string_view::npos ? std::string_view() : text.substr(split + 1);

  CheckFoldedHeader(EncodeHeaderText(text));
  // The transports pass only addresses IsValidAddress accepts (smtp_transport.cpp,
  // resend_transport.cpp); the name is any text.
  CheckFoldedHeader(FormatMailbox(name, IsValidAddress(address) ? address : "a@example.com"));
  const std::string phrase = QuoteDisplayName(name);
  for (const char c : phrase) FUZZ_CHECK(c != '\r' && c != '\n');

  const std::string crlf = ToCrlf(text);
  for (std::size_t i = 0; i < crlf.size(); ++i) {
    if (crlf[i] == '\r') FUZZ_CHECK(i + 1 < crlf.size() && crlf[i + 1] == '\n');
    if (crlf[i] == '\n') FUZZ_CHECK(i > 0 && crlf[i - 1] == '\r');
  }
  const std::string lines = Base64Lines(text);
  std::size_t line_start = 0;
  for (std::size_t nl = lines.find("\r\n"); nl != std::string::npos;
       nl = lines.find("\r\n", line_start)) {
    FUZZ_CHECK(nl - line_start <= 76);
    line_start = nl + 2;
  }
  FUZZ_CHECK(line_start == lines.size());
  return 0;
}
