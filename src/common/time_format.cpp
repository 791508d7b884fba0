#include "common/time_format.h"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace howler {
namespace {

using std::chrono::duration_cast;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool IsLeapYear(int y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// The fields of a syntactically valid timestamp, not yet range-checked.
struct Fields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::int64_t nanos = 0;
  int offset_sign = 1, offset_hour = 0, offset_minute = 0;
};

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  // Exactly n ASCII digits.
  std::optional<int> Digits(int n) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9') {
        return std::nullopt;
      }
      v = v * 10 + (s_[pos_++] - '0');
    }
    return v;
  }
  bool Consume(std::string_view any_of) {
    if (pos_ < s_.size() && any_of.find(s_[pos_]) != std::string_view::npos) {
      last_ = s_[pos_++];
      return true;
    }
    return false;
  }
  char last() const { return last_; }
  bool AtEnd() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  char last_ = '\0';
};

Status Invalid(std::string_view what) {
  return InvalidArgumentError("invalid RFC 3339 timestamp: " + std::string(what));
}

// Reads ".F{1,9}" when present.
Status ParseFraction(Cursor& c, Fields& f) {
  if (!c.Consume(".")) {
    return Status::Ok();
  }
  int digits = 0;
  while (auto d = c.Digits(1)) {
    if (++digits > 9) {
      return Invalid("fraction has more than 9 digits");
    }
    f.nanos = f.nanos * 10 + *d;
  }
  if (digits == 0) {
    return Invalid("expected digits after '.'");
  }
  for (int i = digits; i < 9; ++i) {
    f.nanos *= 10;
  }
  return Status::Ok();
}

Status ParseOffset(Cursor& c, Fields& f) {
  if (c.Consume("Zz")) {
    return Status::Ok();
  }
  if (!c.Consume("+-")) {
    return Invalid("expected 'Z' or a +HH:MM/-HH:MM offset");
  }
  f.offset_sign = c.last() == '-' ? -1 : 1;
  auto h = c.Digits(2);
  std::optional<int> m;
  if (h && c.Consume(":")) {
    m = c.Digits(2);
  }
  if (!m) {
    return Invalid("offset must be +HH:MM or -HH:MM");
  }
  f.offset_hour = *h;
  f.offset_minute = *m;
  return Status::Ok();
}

Result<Fields> ParseSyntax(std::string_view s) {
  Cursor c(s);
  Fields f;
  auto year = c.Digits(4);
  auto month = year && c.Consume("-") ? c.Digits(2) : std::nullopt;
  auto day = month && c.Consume("-") ? c.Digits(2) : std::nullopt;
  if (!day) {
    return Invalid("expected a YYYY-MM-DD date");
  }
  if (!c.Consume("Tt ")) {
    return Invalid("expected 'T' between date and time");
  }
  auto hour = c.Digits(2);
  auto minute = hour && c.Consume(":") ? c.Digits(2) : std::nullopt;
  auto second = minute && c.Consume(":") ? c.Digits(2) : std::nullopt;
  if (!second) {
    return Invalid("expected an HH:MM:SS time");
  }
  f.year = *year;
  f.month = *month;
  f.day = *day;
  f.hour = *hour;
  f.minute = *minute;
  f.second = *second;
  HOWLER_RETURN_IF_ERROR(ParseFraction(c, f));
  HOWLER_RETURN_IF_ERROR(ParseOffset(c, f));
  if (!c.AtEnd()) {
    return Invalid("unexpected characters after the offset");
  }
  return f;
}

Status CheckRanges(const Fields& f) {
  if (f.month < 1 || f.month > 12) {
    return Invalid("month must be 01-12");
  }
  if (f.day < 1 || f.day > DaysInMonth(f.year, f.month)) {
    return Invalid("day out of range for the month");
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 59) {
    return Invalid("time of day out of range");
  }
  if (f.offset_hour > 23 || f.offset_minute > 59) {
    return Invalid("offset out of range");
  }
  return Status::Ok();
}

}  // namespace

std::string FormatRfc3339(TimePoint t) {
  const std::int64_t ms = ToUnixMillis(t);
  constexpr std::int64_t kMillisPerDay = 86'400'000;
  const std::int64_t days = ms >= 0 ? ms / kMillisPerDay : (ms - kMillisPerDay + 1) / kMillisPerDay;
  const std::int64_t in_day = ms - days * kMillisPerDay;
  const CivilDate date = CivilFromDays(days);
  if (date.year < 0 || date.year > 9999) {
    char buf[40];
    std::snprintf(
        buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
        static_cast<long long>(date.year), date.month, date.day,
        static_cast<long long>(in_day / 3'600'000), static_cast<long long>(in_day / 60'000 % 60),
        static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
    return buf;
  }
  // The common case without snprintf: responses format several timestamps per item.
  char buf[25] = "0000-00-00T00:00:00.000Z";
  auto put = [&buf](int at, std::int64_t value, int digits) {
    for (int i = at + digits - 1; i >= at; --i, value /= 10)
      buf[i] = static_cast<char>('0' + value % 10);
  };
  put(0, date.year, 4);
  put(5, date.month, 2);
  put(8, date.day, 2);
  put(11, in_day / 3'600'000, 2);
  put(14, in_day / 60'000 % 60, 2);
  put(17, in_day / 1000 % 60, 2);
  put(20, in_day % 1000, 3);
  return std::string(buf, 24);
}

Result<TimePoint> ParseRfc3339(std::string_view s) {
  HOWLER_ASSIGN_OR_RETURN(Fields f, ParseSyntax(s));
  HOWLER_RETURN_IF_ERROR(CheckRanges(f));
  const std::int64_t offset = std::int64_t{f.offset_sign} * (std::int64_t{f.offset_hour} * 3600 +
                                                             std::int64_t{f.offset_minute} * 60);
  const std::int64_t seconds = DaysFromCivil(f.year, f.month, f.day) * 86400 +
                               std::int64_t{f.hour} * 3600 + std::int64_t{f.minute} * 60 +
                               f.second - offset;
  using Secs = std::chrono::seconds;
  static const std::int64_t kMin = duration_cast<Secs>(TimePoint::min().time_since_epoch()).count();
  static const std::int64_t kMax = duration_cast<Secs>(TimePoint::max().time_since_epoch()).count();
  if (seconds < kMin || seconds >= kMax) {
    return Invalid("outside the supported range of years");
  }
  return TimePoint(duration_cast<TimePoint::duration>(Secs(seconds))) +
         duration_cast<TimePoint::duration>(std::chrono::nanoseconds(f.nanos));
}

std::int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(std::int64_t millis) {
  using Ms = std::chrono::milliseconds;
  static const std::int64_t kMin =
      std::chrono::ceil<Ms>(TimePoint::min().time_since_epoch()).count();
  static const std::int64_t kMax =
      std::chrono::floor<Ms>(TimePoint::max().time_since_epoch()).count();
  return TimePoint(duration_cast<TimePoint::duration>(Ms(std::clamp(millis, kMin, kMax))));
}

}  // namespace howler
