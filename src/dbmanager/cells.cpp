#include "dbmanager/cells.h"

#include <boost/json/parse.hpp>
#include <cctype>

#include "common/crypto.h"
#include "common/json_text.h"

namespace howler::dbmanager {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool AllDigits(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!IsDigit(c)) {
      return false;
    }
  }
  return true;
}

// "+HH", "+HH:MM", "+HH:MM:SS" (or '-') as "+HH:MM[:SS]", "Z" for zero; empty when malformed.
std::string IsoOffset(std::string_view zone) {
  if (zone.size() < 3 || (zone[0] != '+' && zone[0] != '-') || !AllDigits(zone.substr(1, 2))) {
    return {};
  }
  std::string hours(zone.substr(0, 3));
  std::string rest = ":00";
  if (zone.size() > 3) {
    if (zone[3] != ':' || (zone.size() != 6 && zone.size() != 9)) {
      return {};
    }
    rest = std::string(zone.substr(3));
  }
  if (hours.substr(1) == "00" && (rest == ":00" || rest == ":00:00")) {
    return "Z";
  }
  return hours + rest;
}

}  // namespace

std::string StringCell(std::string_view text) {
  return JsonString(text);
}

bool IsJsonNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    ++i;
  }
  if (i >= s.size()) {
    return false;
  }
  if (s[i] == '0') {
    ++i;
  } else if (IsDigit(s[i])) {
    while (i < s.size() && IsDigit(s[i])) {
      ++i;
    }
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && IsDigit(s[i])) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < s.size() && IsDigit(s[i])) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  return i == s.size();
}

std::string NumberCell(std::string_view text) {
  return IsJsonNumber(text) ? std::string(text) : StringCell(text);
}

std::string BoolCell(bool value) {
  return value ? "true" : "false";
}

std::string BytesCell(std::string_view bytes) {
  return "\"" + Base64Encode(bytes) + "\"";
}

std::string TimestampCell(std::string_view text) {
  // Date part: YYYY-MM-DD, then ' ' and HH:MM:SS.
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':') {
    return StringCell(text);
  }
  std::size_t end = 19;
  if (end < text.size() && text[end] == '.') {
    ++end;
    while (end < text.size() && IsDigit(text[end])) {
      ++end;
    }
  }
  std::string out(text.substr(0, end));
  out[10] = 'T';
  if (end < text.size()) {
    std::string offset = IsoOffset(text.substr(end));
    if (offset.empty()) {
      return StringCell(text);
    }
    out += offset;
  }
  return StringCell(out);
}

std::string JsonCell(std::string_view text) {
  boost::system::error_code error;
  boost::json::parse(text, error);
  return error ? StringCell(text) : std::string(text);
}

}  // namespace howler::dbmanager
