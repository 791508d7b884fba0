#include "email/resend_transport.h"

#include <algorithm>
#include <boost/json.hpp>

#include "email/curl_easy.h"
#include "email/email_address.h"
#include "email/mime_encoding.h"

namespace howler::email {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxResponseBytes = std::size_t{64} * 1024;
constexpr std::size_t kMaxErrorDetail = 200;

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  const std::size_t n = size * count;
  body->append(data, std::min(n, kMaxResponseBytes - std::min(body->size(), kMaxResponseBytes)));
  return n;
}

std::string TrimTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string StringField(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->as_string()) : std::string();
}

// "validation_error: Invalid `to` field", or "(non-JSON body)".
std::string ErrorDetail(std::string_view body) {
  json::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return "(non-JSON body)";
  const json::object& o = parsed.as_object();
  std::string detail = StringField(o, "name");
  const std::string message = StringField(o, "message");
  if (!message.empty()) detail += (detail.empty() ? "" : ": ") + message;
  if (detail.size() > kMaxErrorDetail) detail.resize(kMaxErrorDetail);
  return detail.empty() ? "(no error message)" : detail;
}

bool HasStringId(std::string_view body) {
  json::error_code ec;
  const json::value parsed = json::parse(body, ec);
  return !ec && parsed.is_object() && !StringField(parsed.as_object(), "id").empty();
}

Status ErrorFor(long http_status, std::string message) {
  if (http_status == 429) return ResourceExhaustedError(std::move(message));
  if (http_status >= 500 && http_status <= 599) return UnavailableError(std::move(message));
  if (http_status == 401 || http_status == 403) return PermissionDeniedError(std::move(message));
  if (http_status >= 400 && http_status <= 499) return InvalidArgumentError(std::move(message));
  return InternalError(std::move(message));
}

}  // namespace

ResendTransport::ResendTransport(ResendOptions options) : options_(std::move(options)) {
  options_.api_url = TrimTrailingSlashes(options_.api_url);
}

std::string ResendRequestBody(const ResendOptions& options, const RenderedEmail& email) {
  std::string from = options.from_email;
  if (!options.from_name.empty()) from = QuoteDisplayName(options.from_name) + " <" + from + ">";
  json::object body;
  body["from"] = from;
  body["to"] = json::array{json::string(email.to)};
  body["subject"] = email.subject;
  body["html"] = email.html;
  body["text"] = email.text;
  return json::serialize(body);
}

Status ResendResponseStatus(long http_status, std::string_view body) {
  if (http_status == 200 || http_status == 201) {
    if (HasStringId(body)) return Status::Ok();
    return InternalError("resend: HTTP " + std::to_string(http_status) + " without an id");
  }
  return ErrorFor(http_status,
                  "resend: HTTP " + std::to_string(http_status) + " " + ErrorDetail(body));
}

Status ResendTransport::Deliver(const RenderedEmail& email, std::stop_token stop) {
  if (options_.api_key.empty()) return FailedPreconditionError("resend: no API key");
  if (!IsValidAddress(options_.from_email)) {
    return FailedPreconditionError("resend: invalid sender address");
  }
  if (!IsValidAddress(email.to)) return InvalidArgumentError("resend: invalid recipient address");

  const std::string url = options_.api_url + "/emails";
  const std::string request = ResendRequestBody(options_, email);
  CurlList headers;
  headers.Append("Authorization: Bearer " + options_.api_key);
  headers.Append("Content-Type: application/json");
  headers.Append("Accept: application/json");
  headers.Append("Idempotency-Key: " + (email.id.empty() ? NewEmailId() : email.id));
  headers.Append("Expect:");
  std::string response;

  CurlEasy curl;
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "howlerops-server");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.size()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  HOWLER_RETURN_IF_ERROR(curl.Perform(stop, "resend"));
  return ResendResponseStatus(curl.ResponseCode(), response);
}

}  // namespace howler::email
