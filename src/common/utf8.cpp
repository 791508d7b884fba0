#include "common/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace howler {

std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t length = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

namespace {

// Whether the well-formed sequence at text[i] of `length` bytes is a control character.
bool IsControl(std::string_view text, std::size_t i, std::size_t length) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (length == 1) return b0 < 0x20 || b0 == 0x7F;
  return length == 2 && b0 == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (i + 8 <= text.size()) {  // eight ASCII bytes at a time: most text is ASCII
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof(word));
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool IsCleanText(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0 || IsControl(text, i, n)) return false;
    i += n;
  }
  return true;
}

Status CheckTextField(std::string_view field, std::string_view value, std::size_t min_bytes,
                      std::size_t max_bytes) {
  if (value.size() >= min_bytes && value.size() <= max_bytes && IsCleanText(value)) {
    return Status::Ok();
  }
  return InvalidArgumentError(std::string(field) + " must be " + std::to_string(min_bytes) + "-" +
                              std::to_string(max_bytes) +
                              " characters of text without control characters");
}

std::string ToCleanText(std::string_view text, std::size_t max_bytes) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = Utf8SequenceLength(text, i);
    std::string_view piece = n == 0 ? kReplacement : text.substr(i, n);
    if (n != 0 && IsControl(text, i, n)) piece = " ";
    if (out.size() + piece.size() > max_bytes) break;
    out += piece;
    i += n == 0 ? 1 : n;
  }
  return out;
}

}  // namespace howler
