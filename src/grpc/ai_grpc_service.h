// AiGrpcService: howlerops.v1.AiService (proto/howlerops/v1/ai.proto) over ai::AiAssistant,
// the class the HTTP handlers call. It only translates messages; each method's policy is
// its operation's declaration (api/operations.h), applied by CallRunner. An answer streams
// on the gRPC thread of the call: deltas are queued by the provider's thread and written
// in order; a client that cancels the call (checked every 50 ms) or stops reading has the
// provider request aborted.
//
// No gRPC header is included here:
//   AiGrpcService ai_grpc(assistant, CallDeps{...});
//   grpc_server.AddService(ai_grpc.service());
// Thread-safety: calls are answered concurrently; the dependencies and this object must
// outlive the GrpcServer it is registered with.
#pragma once

#include <memory>
#include <string_view>

#include "grpc/call_deps.h"

namespace grpc {
class Service;
}
namespace howler::ai {
class AiAssistant;
}

namespace howler::grpcsvc {

class AiGrpcService {
 public:
  static constexpr std::string_view kServiceName = "howlerops.v1.AiService";

  AiGrpcService(ai::AiAssistant& assistant, CallDeps deps);
  ~AiGrpcService();
  AiGrpcService(const AiGrpcService&) = delete;
  AiGrpcService& operator=(const AiGrpcService&) = delete;

  grpc::Service* service();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace howler::grpcsvc
