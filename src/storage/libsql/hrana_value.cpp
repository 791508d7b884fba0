#include "storage/libsql/hrana_value.h"

#include <boost/json/object.hpp>
#include <charconv>
#include <cmath>
#include <string>
#include <type_traits>

#include "common/crypto.h"
#include "common/utf8.h"

namespace howler::storage {
namespace {

namespace json = boost::json;

Status Malformed(std::string_view what) {
  return InternalError("database error: malformed value from server: " + std::string(what));
}

Result<Value> DecodeInteger(const json::value* v) {
  if (v != nullptr && v->is_string()) {
    const json::string& s = v->get_string();
    std::int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
      return Malformed("integer out of range or not a number");
    }
    return Value(out);
  }
  if (v != nullptr && v->is_int64()) {
    return Value(v->get_int64());
  }
  return Malformed("integer without a value");
}

Result<Value> DecodeFloat(const json::value* v) {
  if (v == nullptr || !v->is_number()) {
    return Malformed("float without a number");
  }
  if (v->is_double()) {
    return Value(v->get_double());
  }
  return Value(v->is_int64() ? static_cast<double>(v->get_int64())
                             : static_cast<double>(v->get_uint64()));
}

}  // namespace

Result<json::value> EncodeHranaValue(const Value& value) {
  return std::visit(
      [](const auto& v) -> Result<json::value> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Null>) {
          return json::value(json::object{{"type", "null"}});
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return json::value(json::object{{"type", "integer"}, {"value", std::to_string(v)}});
        } else if constexpr (std::is_same_v<T, double>) {
          if (!std::isfinite(v)) {
            return InvalidArgumentError("a float parameter is not finite");
          }
          return json::value(json::object{{"type", "float"}, {"value", v}});
        } else if constexpr (std::is_same_v<T, std::string>) {
          // JSON cannot carry invalid UTF-8: it would reach the server as a broken request.
          if (!IsValidUtf8(v)) return InvalidArgumentError("a text parameter is not valid UTF-8");
          return json::value(json::object{{"type", "text"}, {"value", v}});
        } else {
          return json::value(json::object{{"type", "blob"}, {"base64", Base64Encode(v.bytes)}});
        }
      },
      value);
}

Result<Value> DecodeHranaValue(const json::value& json) {
  const json::object* object = json.if_object();
  const json::value* type = object ? object->if_contains("type") : nullptr;
  if (type == nullptr || !type->is_string()) {
    return Malformed("no type");
  }
  const json::string& name = type->get_string();
  const json::value* v = object->if_contains("value");
  if (name == "null") {
    return Value(Null{});
  }
  if (name == "integer") {
    return DecodeInteger(v);
  }
  if (name == "float") {
    return DecodeFloat(v);
  }
  if (name == "text") {
    if (v == nullptr || !v->is_string()) {
      return Malformed("text without a string");
    }
    return Value(std::string(v->get_string()));
  }
  if (name == "blob") {
    const json::value* b64 = object->if_contains("base64");
    if (b64 == nullptr || !b64->is_string()) {
      return Malformed("blob without base64");
    }
    auto bytes = Base64Decode(std::string_view(b64->get_string()));
    if (!bytes.ok()) {
      return Malformed("blob with invalid base64");
    }
    return Value(Blob{std::move(bytes).value()});
  }
  return Malformed("unknown type");
}

}  // namespace howler::storage
