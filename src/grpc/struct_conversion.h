// Item data between google.protobuf.Struct (the gRPC API) and sync::JsonValue (what the
// sync service works on), and from the JSON text sync stores and renders.
// - Struct numbers are doubles: integral values within +-2^53 become integer JSON text
//   ("5", not "5.0"); non-finite values become null.
// - JSON numbers become doubles (as any JSON reader does).
// Pure functions; safe from any thread. Internal to src/grpc.
#pragma once

#include <google/protobuf/struct.pb.h>

#include <string_view>

#include "common/result.h"
#include "sync/json_value.h"

namespace howler::grpcsvc {

sync::JsonValue FromStruct(const google::protobuf::Struct& in);
void ToStruct(const sync::JsonValue& object, google::protobuf::Struct* out);
// JSON object text -> Struct; INTERNAL when the text is not an object.
Status JsonTextToStruct(std::string_view text, google::protobuf::Struct* out);

}  // namespace howler::grpcsvc
