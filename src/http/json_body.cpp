#include "http/json_body.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/fields.h"
#include "common/time_format.h"
#include "http/responses.h"

namespace howler::http {

Result<boost::json::object> ParseJsonObject(const Request& request, bool allow_empty) {
  if (request.body.empty() && allow_empty) return boost::json::object();
  return ParseJsonObjectIn(request, boost::json::storage_ptr());
}

Result<boost::json::object> ParseJsonObjectIn(const Request& request,
                                              boost::json::storage_ptr memory) {
  if (request.body.empty()) return InvalidArgumentError("request body is required");
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(request.body, ec, std::move(memory));
  if (ec) return InvalidArgumentError("request body is not valid JSON");
  if (!v.is_object()) return InvalidArgumentError("request body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::optional<std::string>> OptionalString(const boost::json::object& o,
                                                  std::string_view field, std::size_t max_bytes) {
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return InvalidArgumentError(std::string(field) + " must be a string");
  const auto& s = v->get_string();
  if (s.size() > max_bytes) {
    return InvalidArgumentError(std::string(field) + " is too long");
  }
  return std::optional<std::string>(std::string(s));
}

Result<std::string> RequiredString(const boost::json::object& o, std::string_view field,
                                   std::size_t max_bytes) {
  HOWLER_ASSIGN_OR_RETURN(auto s, OptionalString(o, field, max_bytes));
  if (!s || s->empty()) return InvalidArgumentError(std::string(field) + " is required");
  return std::move(*s);
}

Result<std::string> TextField(const boost::json::object& o, const api::FieldLimit& limit) {
  HOWLER_ASSIGN_OR_RETURN(auto s, OptionalString(o, limit.name, SIZE_MAX));
  std::string text = s.value_or("");
  HOWLER_RETURN_IF_ERROR(api::CheckField(limit, text));
  return text;
}

Result<std::optional<bool>> OptionalBool(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) return InvalidArgumentError(std::string(field) + " must be a boolean");
  return std::optional<bool>(v->get_bool());
}

Response JsonValueResponse(int status, const boost::json::value& value) {
  return JsonResponse(status, boost::json::serialize(value));
}

boost::json::value TimeValue(std::optional<std::int64_t> unix_ms) {
  if (!unix_ms) return nullptr;
  return boost::json::string(FormatRfc3339(FromUnixMillis(*unix_ms)));
}

std::string ItemString(const boost::json::object& o, std::string_view field, std::string& problem) {
  const boost::json::value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_string()) {
    if (problem.empty()) problem = std::string(field) + " must be a string";
    return {};
  }
  return std::string(v->get_string());
}

}  // namespace howler::http
