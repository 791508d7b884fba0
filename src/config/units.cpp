#include "config/units.h"

#include <charconv>
#include <iterator>
#include <limits>
#include <optional>

namespace howler::config {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) {
      return false;
    }
  }
  return true;
}

std::string Quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// Reads the run of digits at `pos` (advancing it); nullopt when it overflows uint64.
std::optional<std::uint64_t> ReadNumber(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && IsDigit(text[pos])) {
    ++pos;
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data() + start, text.data() + pos, value);
  if (ec != std::errc()) {
    return std::nullopt;
  }
  return value;
}

// Reads the run of letters at `pos` (advancing it).
std::string_view ReadUnit(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && IsAlpha(text[pos])) {
    ++pos;
  }
  return text.substr(start, pos - start);
}

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr Unit kDurationUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000},
};

constexpr Unit kSizeUnits[] = {
    {"", 1},
    {"b", 1},
    {"kib", 1ULL << 10},
    {"mib", 1ULL << 20},
    {"gib", 1ULL << 30},
    {"kb", 1'000},
    {"mb", 1'000'000},
    {"gb", 1'000'000'000},
};

std::optional<std::uint64_t> DurationFactor(std::string_view unit) {
  for (const Unit& u : kDurationUnits) {
    if (unit == u.name) {
      return u.factor;
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> SizeFactor(std::string_view unit) {
  for (const Unit& u : kSizeUnits) {
    if (EqualsIgnoreCase(unit, u.name)) {
      return u.factor;
    }
  }
  return std::nullopt;
}

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) {
    return InvalidArgumentError("empty duration");
  }
  if (AllDigits(text)) {
    std::size_t pos = 0;
    if (ReadNumber(text, pos) == std::uint64_t{0}) {
      return std::chrono::milliseconds(0);
    }
    return InvalidArgumentError("missing unit (ms, s, m, h or d) in " + Quote(text));
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (!IsDigit(text[pos])) {
      return InvalidArgumentError("expected a number at " + Quote(text.substr(pos)) + " in " +
                                  Quote(text));
    }
    const std::optional<std::uint64_t> n = ReadNumber(text, pos);
    const std::string_view unit = ReadUnit(text, pos);
    if (unit.empty()) {
      return InvalidArgumentError("missing unit (ms, s, m, h or d) in " + Quote(text));
    }
    const std::optional<std::uint64_t> factor = DurationFactor(unit);
    if (!factor) {
      return InvalidArgumentError("unknown unit " + Quote(unit) + " in " + Quote(text));
    }
    if (!n || *n > (kMax - total) / *factor) {
      return InvalidArgumentError("duration " + Quote(text) + " is too large");
    }
    total += *n * *factor;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(total));
}

Result<std::uint64_t> ParseSize(std::string_view text) {
  if (text.empty() || !IsDigit(text[0])) {
    return InvalidArgumentError("expected a size like 10MiB, got " + Quote(text));
  }
  std::size_t pos = 0;
  const std::optional<std::uint64_t> n = ReadNumber(text, pos);
  const std::string_view unit = ReadUnit(text, pos);
  if (pos != text.size()) {
    return InvalidArgumentError("expected a size like 10MiB, got " + Quote(text));
  }
  const std::optional<std::uint64_t> factor = SizeFactor(unit);
  if (!factor) {
    return InvalidArgumentError("unknown unit " + Quote(unit) + " in " + Quote(text) +
                                " (use B, KiB, MiB, GiB, KB, MB or GB)");
  }
  if (!n || *n > std::numeric_limits<std::uint64_t>::max() / *factor) {
    return InvalidArgumentError("size " + Quote(text) + " is too large");
  }
  return *n * *factor;
}

Result<bool> ParseBool(std::string_view text) {
  for (std::string_view yes : {"true", "1", "yes", "on"}) {
    if (EqualsIgnoreCase(text, yes)) {
      return true;
    }
  }
  for (std::string_view no : {"false", "0", "no", "off"}) {
    if (EqualsIgnoreCase(text, no)) {
      return false;
    }
  }
  return InvalidArgumentError("expected true or false, got " + Quote(text));
}

std::string FormatDuration(std::chrono::milliseconds d) {
  const std::int64_t ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  if (ms > 0) {
    for (auto it = std::rbegin(kDurationUnits); it != std::rend(kDurationUnits); ++it) {
      if (static_cast<std::uint64_t>(ms) % it->factor == 0) {
        return std::to_string(static_cast<std::uint64_t>(ms) / it->factor) + std::string(it->name);
      }
    }
  }
  return std::to_string(ms) + "ms";
}

std::string FormatSize(std::uint64_t bytes) {
  static constexpr Unit kBinary[] = {{"GiB", 1ULL << 30}, {"MiB", 1ULL << 20}, {"KiB", 1ULL << 10}};
  if (bytes != 0) {
    for (const Unit& u : kBinary) {
      if (bytes % u.factor == 0) {
        return std::to_string(bytes / u.factor) + std::string(u.name);
      }
    }
  }
  return std::to_string(bytes) + "B";
}

}  // namespace howler::config
