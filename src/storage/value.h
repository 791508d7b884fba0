// Value: one SQL value as both backends exchange it (null, int64, double, text, blob).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace howler::storage {

struct Null {
  friend bool operator==(Null, Null) { return true; }
};

// Raw bytes, kept apart from text so that backends can bind and encode them as blobs.
struct Blob {
  std::string bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};

using Value = std::variant<Null, std::int64_t, double, std::string, Blob>;

inline bool IsNull(const Value& v) {
  return std::holds_alternative<Null>(v);
}

// A row of a result, in column order.
using Row = std::vector<Value>;

// Rows returned by one statement. Statements without RETURNING have no rows.
struct ResultSet {
  std::vector<std::string> columns;
  std::vector<Row> rows;

  bool empty() const { return rows.empty(); }
  // Index of a column by name, or -1.
  int ColumnIndex(std::string_view name) const;
};

// One SQL statement with positional (`?`) parameters, bound in order.
struct Statement {
  std::string sql;
  std::vector<Value> params;
};

// Typed accessors for reading rows; a wrong type or NULL yields the fallback.
// AsDouble also accepts an integer (a REAL column may hand back a whole number).
std::int64_t AsInt(const Value& v, std::int64_t fallback = 0);
double AsDouble(const Value& v, double fallback = 0.0);
std::string AsText(const Value& v, std::string fallback = {});
// The bytes of a blob, or of a text value; empty for anything else.
std::string AsBytes(const Value& v);
// For nullable columns: nullopt for NULL or a wrong type.
std::optional<std::int64_t> AsOptionalInt(const Value& v);
std::optional<std::string> AsOptionalText(const Value& v);

// For binding nullable parameters: the value, or NULL when absent.
inline Value IntOrNull(const std::optional<std::int64_t>& v) {
  return v ? Value(*v) : Value(Null{});
}
inline Value TextOrNull(const std::optional<std::string>& v) {
  return v ? Value(*v) : Value(Null{});
}

}  // namespace howler::storage
