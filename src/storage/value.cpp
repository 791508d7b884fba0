#include "storage/value.h"

namespace howler::storage {

int ResultSet::ColumnIndex(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::int64_t AsInt(const Value& v, std::int64_t fallback) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    return *i;
  }
  return fallback;
}

double AsDouble(const Value& v, double fallback) {
  if (const auto* d = std::get_if<double>(&v)) {
    return *d;
  }
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    return static_cast<double>(*i);
  }
  return fallback;
}

std::string AsText(const Value& v, std::string fallback) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  return fallback;
}

std::string AsBytes(const Value& v) {
  if (const auto* b = std::get_if<Blob>(&v)) {
    return b->bytes;
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  return {};
}

std::optional<std::int64_t> AsOptionalInt(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    return *i;
  }
  return std::nullopt;
}

std::optional<std::string> AsOptionalText(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  return std::nullopt;
}

}  // namespace howler::storage
