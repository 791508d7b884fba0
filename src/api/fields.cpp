#include "api/fields.h"

#include <string>

namespace howler::api {

Status CheckField(const FieldLimit& limit, std::string_view value) {
  if (limit.required && value.empty()) {
    return InvalidArgumentError(std::string(limit.name) + " is required");
  }
  if (value.size() > limit.max_bytes) {
    return InvalidArgumentError(std::string(limit.name) + " is too long");
  }
  return Status::Ok();
}

Status CheckField(const Operation& operation, std::string_view field, std::string_view value) {
  return CheckField(operation.Field(field), value);
}

}  // namespace howler::api
