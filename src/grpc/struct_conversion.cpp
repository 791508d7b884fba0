#include "grpc/struct_conversion.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace howler::grpcsvc {
namespace {

namespace pb = ::google::protobuf;

std::string NumberText(double d) {
  if (std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0) {
    return std::to_string(static_cast<long long>(d));
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, end);
}

sync::JsonValue FromValue(const pb::Value& v) {
  switch (v.kind_case()) {
    case pb::Value::kBoolValue:
      return sync::JsonValue::Bool(v.bool_value());
    case pb::Value::kNumberValue:
      if (!std::isfinite(v.number_value())) return sync::JsonValue();
      return sync::JsonValue::Number(NumberText(v.number_value()));
    case pb::Value::kStringValue:
      return sync::JsonValue::String(v.string_value());
    case pb::Value::kStructValue:
      return FromStruct(v.struct_value());
    case pb::Value::kListValue: {
      sync::JsonValue out = sync::JsonValue::Array();
      for (const pb::Value& item : v.list_value().values()) out.items().push_back(FromValue(item));
      return out;
    }
    default:
      return sync::JsonValue();
  }
}

void ToValue(const sync::JsonValue& v, pb::Value* out) {
  switch (v.kind()) {
    case sync::JsonValue::Kind::kNull:
      out->set_null_value(pb::NULL_VALUE);
      return;
    case sync::JsonValue::Kind::kBool:
      out->set_bool_value(v.bool_value());
      return;
    case sync::JsonValue::Kind::kNumber:
      out->set_number_value(std::strtod(v.text().c_str(), nullptr));
      return;
    case sync::JsonValue::Kind::kString:
      out->set_string_value(v.text());
      return;
    case sync::JsonValue::Kind::kArray: {
      // mutable_list_value() first: an empty array must stay a list, not an unset value.
      pb::ListValue* list = out->mutable_list_value();
      for (const auto& item : v.items()) ToValue(item, list->add_values());
      return;
    }
    case sync::JsonValue::Kind::kObject:
      ToStruct(v, out->mutable_struct_value());
      return;
  }
}

}  // namespace

sync::JsonValue FromStruct(const pb::Struct& in) {
  // A proto map has no order; sync's sanitizer sorts the keys of what it stores.
  sync::JsonValue out = sync::JsonValue::Object();
  for (const auto& [key, value] : in.fields()) out.Set(key, FromValue(value));
  return out;
}

void ToStruct(const sync::JsonValue& object, pb::Struct* out) {
  auto& fields = *out->mutable_fields();
  for (const auto& member : object.members()) ToValue(member.value, &fields[member.key]);
}

Status JsonTextToStruct(std::string_view text, pb::Struct* out) {
  Result<sync::JsonValue> parsed = sync::ParseJson(text);
  if (!parsed.ok() || !parsed->is_object()) return InternalError("stored item is not an object");
  ToStruct(*parsed, out);
  return Status::Ok();
}

}  // namespace howler::grpcsvc
