// Field helpers shared by the gRPC services: the request-field rules of the HTTP API
// (API.md "Conventions": a missing required field is INVALID_ARGUMENT naming the field;
// proto3 cannot tell an empty string from a missing one, so empty counts as missing) and
// timestamps as google.protobuf.Timestamp with the API's millisecond precision.
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

// The HTTP API's default length limit for a string field.
inline constexpr std::size_t kDefaultMaxFieldBytes = 4096;

// "<field> is required" when empty, "<field> is too long" beyond `max_bytes`.
Status RequiredField(std::string_view field, const std::string& value,
                     std::size_t max_bytes = kDefaultMaxFieldBytes);
// "<field> is too long" beyond `max_bytes`; empty is fine.
Status OptionalField(std::string_view field, const std::string& value,
                     std::size_t max_bytes = kDefaultMaxFieldBytes);

// Milliseconds since the Unix epoch -> Timestamp (an unset optional leaves `out` unset).
void SetTimestamp(std::int64_t unix_ms, google::protobuf::Timestamp* out);
void SetTimestamp(const std::optional<std::int64_t>& unix_ms, google::protobuf::Timestamp* out);

// Timestamp -> milliseconds since the Unix epoch, floored; INVALID_ARGUMENT naming `field`
// when it is out of Timestamp's valid range.
Result<std::int64_t> UnixMillisOf(std::string_view field, const google::protobuf::Timestamp& t);

}  // namespace howler::grpcsvc
