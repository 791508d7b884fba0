#include "grpc/message_fields.h"

#include <google/protobuf/util/time_util.h>

namespace howler::grpcsvc {

void SetTimestamp(std::int64_t unix_ms, google::protobuf::Timestamp* out) {
  std::int64_t seconds = unix_ms / 1000;
  std::int64_t millis = unix_ms % 1000;
  if (millis < 0) {  // nanos must be non-negative
    seconds -= 1;
    millis += 1000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<std::int32_t>(millis * 1000000));
}

void SetTimestamp(const std::optional<std::int64_t>& unix_ms, google::protobuf::Timestamp* out) {
  if (unix_ms) SetTimestamp(*unix_ms, out);
}

Result<std::int64_t> UnixMillisOf(std::string_view field, const google::protobuf::Timestamp& t) {
  using google::protobuf::util::TimeUtil;
  const bool valid = t.seconds() >= TimeUtil::kTimestampMinSeconds &&
                     t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
                     t.nanos() < 1000000000;
  if (!valid) {
    return InvalidArgumentError(std::string(field) + " is not a valid timestamp");
  }
  return t.seconds() * 1000 + t.nanos() / 1000000;
}

}  // namespace howler::grpcsvc
