// Timestamps of the gRPC services as google.protobuf.Timestamp with the API's millisecond
// precision. (Text field rules are the operations': api/fields.h.)
// Pure functions; safe from any thread. Internal to src/grpc.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"

namespace howler::grpcsvc {

// Milliseconds since the Unix epoch -> Timestamp (an unset optional leaves `out` unset).
void SetTimestamp(std::int64_t unix_ms, google::protobuf::Timestamp* out);
void SetTimestamp(const std::optional<std::int64_t>& unix_ms, google::protobuf::Timestamp* out);

// Timestamp -> milliseconds since the Unix epoch, floored; INVALID_ARGUMENT naming `field`
// when it is out of Timestamp's valid range.
Result<std::int64_t> UnixMillisOf(std::string_view field, const google::protobuf::Timestamp& t);

}  // namespace howler::grpcsvc
