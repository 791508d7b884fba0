#include "email/mime_message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/time_format.h"

namespace howler::email {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

MimeParts Parts() {
  MimeParts p;
  p.from_name = "Howlerops";
  p.from_address = "noreply@example.com";
  p.to = "alice@example.com";
  p.subject = "Vérifiez votre adresse";
  p.message_id = "0123abcd@example.com";
  p.date = *ParseRfc3339("2025-11-25T13:59:07Z");
  p.text = "Hi alice,\n\nOpen https://x/verify-email?token=t\n";
  p.html = "<p>Hi alice,</p>\n<p><a href=\"https://x\">x</a></p>\n";
  p.boundary = "=_howler_test";
  return p;
}

// The header block (up to the first empty line), unfolded.
std::string Headers(const std::string& message) {
  std::string head = message.substr(0, message.find("\r\n\r\n") + 2);
  std::string out;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head.compare(i, 3, "\r\n ") == 0) {
      i += 2;  // folding: keep the space
      continue;
    }
    out.push_back(head[i]);
  }
  return out;
}

// The decoded body of the part with `content_type`, or nullopt.
std::optional<std::string> PartBody(const std::string& message, const std::string& boundary,
                                    const std::string& content_type) {
  const std::string delimiter = "--" + boundary + "\r\n";
  std::size_t pos = 0;
  while ((pos = message.find(delimiter, pos)) != std::string::npos) {
    const std::size_t head_end = message.find("\r\n\r\n", pos);
    const std::string head = message.substr(pos, head_end - pos);
    const std::size_t body_end = message.find("--" + boundary, head_end);
    pos = body_end;
    if (head.find("Content-Type: " + content_type + "; charset=UTF-8") == std::string::npos) {
      continue;
    }
    EXPECT_THAT(head, HasSubstr("Content-Transfer-Encoding: base64"));
    std::string b64 = message.substr(head_end + 4, body_end - head_end - 4);
    std::erase(b64, '\r');
    std::erase(b64, '\n');
    auto decoded = Base64Decode(b64);
    if (!decoded.ok()) return std::nullopt;
    return *decoded;
  }
  return std::nullopt;
}

TEST(MimeMessageTest, HasTheRequiredHeaders) {
  const std::string message = BuildMimeMessage(Parts());
  const std::string headers = Headers(message);
  EXPECT_THAT(headers, HasSubstr("From: Howlerops <noreply@example.com>\r\n"));
  EXPECT_THAT(headers, HasSubstr("To: alice@example.com\r\n"));
  EXPECT_THAT(headers,
              HasSubstr("Subject: =?UTF-8?B?" + Base64Encode("Vérifiez votre adresse") + "?=\r\n"));
  EXPECT_THAT(headers, HasSubstr("Date: Tue, 25 Nov 2025 13:59:07 +0000\r\n"));
  EXPECT_THAT(headers, HasSubstr("Message-ID: <0123abcd@example.com>\r\n"));
  EXPECT_THAT(headers, HasSubstr("MIME-Version: 1.0\r\n"));
  EXPECT_THAT(headers, HasSubstr("Content-Type: multipart/alternative; "
                                 "boundary=\"=_howler_test\"\r\n"));
}

TEST(MimeMessageTest, EveryLineEndsWithCrlfAndIsShort) {
  const std::string message = BuildMimeMessage(Parts());
  ASSERT_GE(message.size(), 2u);
  EXPECT_EQ(message.substr(message.size() - 2), "\r\n");
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(message[i - 1], '\r') << "bare LF at " << i;
      EXPECT_LE(i - line_start, 999u);
      line_start = i + 1;
    } else if (message[i] == '\r') {
      ASSERT_LT(i + 1, message.size());
      EXPECT_EQ(message[i + 1], '\n') << "bare CR at " << i;
    }
  }
}

TEST(MimeMessageTest, CarriesTextThenHtmlInCanonicalForm) {
  const MimeParts parts = Parts();
  const std::string message = BuildMimeMessage(parts);
  EXPECT_EQ(PartBody(message, parts.boundary, "text/plain"),
            "Hi alice,\r\n\r\nOpen https://x/verify-email?token=t\r\n");
  EXPECT_EQ(PartBody(message, parts.boundary, "text/html"),
            "<p>Hi alice,</p>\r\n<p><a href=\"https://x\">x</a></p>\r\n");
  EXPECT_LT(message.find("text/plain"), message.find("text/html"));
  EXPECT_THAT(message.substr(message.size() - 19), StartsWith("--=_howler_test--"));
}

TEST(MimeMessageTest, AsciiSubjectStaysReadable) {
  MimeParts parts = Parts();
  parts.subject = "Welcome to Howlerops";
  EXPECT_THAT(BuildMimeMessage(parts), HasSubstr("\r\nSubject: Welcome to Howlerops\r\n"));
}

TEST(MimeMessageTest, BoundariesAreFresh) {
  const std::string a = NewMimeBoundary();
  EXPECT_THAT(a, StartsWith("=_howler_"));
  EXPECT_EQ(a.size(), 9u + 24u);
  EXPECT_NE(a, NewMimeBoundary());
}

}  // namespace
}  // namespace howler::email
