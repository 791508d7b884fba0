#include "email/mime_encoding.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

#include "common/crypto.h"

namespace howler::email {
namespace {

// Bytes of text per encoded word: a multiple of 3 (no padding inside a header) that keeps
// "Subject: =?UTF-8?B?<52 chars>?=" under 78 columns.
constexpr std::size_t kWordBytes = 39;

bool IsControl(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b < 0x20 || b == 0x7F;
}

bool IsUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool NeedsEncoding(std::string_view text) {
  const bool non_ascii = std::any_of(text.begin(), text.end(),
                                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  return non_ascii || text.find("=?") != std::string_view::npos;
}

std::string ControlsToSpaces(std::string_view text) {
  std::string out(text);
  std::replace_if(out.begin(), out.end(), IsControl, ' ');
  return out;
}

std::string EncodedWords(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    std::size_t n = std::min(kWordBytes, text.size());
    while (n < text.size() && n > 1 && IsUtf8Continuation(text[n])) --n;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

}  // namespace

std::string EncodeHeaderText(std::string_view text) {
  const std::string clean = ControlsToSpaces(text);
  return NeedsEncoding(clean) ? EncodedWords(clean) : clean;
}

std::string QuoteDisplayName(std::string_view name) {
  std::string clean;
  std::copy_if(name.begin(), name.end(), std::back_inserter(clean),
               [](char c) { return !IsControl(c); });
  constexpr std::string_view kSpecials = "()<>[]:;@\\,.\"";
  if (clean.find_first_of(kSpecials) == std::string::npos) return clean;
  std::string out = "\"";
  for (char c : clean) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string FormatMailbox(std::string_view name, std::string_view address) {
  if (name.empty()) return std::string(address);
  const std::string clean = ControlsToSpaces(name);
  const std::string phrase = NeedsEncoding(clean) ? EncodedWords(clean) : QuoteDisplayName(clean);
  return phrase + " <" + std::string(address) + ">";
}

std::string FormatRfc5322Date(TimePoint t) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string ToCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Base64Lines(std::string_view bytes) {
  constexpr std::size_t kLine = 76;
  const std::string encoded = Base64Encode(bytes);
  std::string out;
  out.reserve(encoded.size() + (encoded.size() / kLine + 1) * 2);
  for (std::size_t i = 0; i < encoded.size(); i += kLine) {
    out.append(encoded, i, kLine);
    out += "\r\n";
  }
  return out;
}

}  // namespace howler::email
