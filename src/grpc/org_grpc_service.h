// OrgGrpcService: howlerops.v1.OrganizationService (proto/howlerops/v1/organizations.proto)
// over orgs::OrgService, the class the HTTP handlers call. It only translates messages; each
// method's policy is its operation's declaration (api/operations.h), applied by CallRunner.
// Answers are the HTTP answers' JSON objects (orgs/org_json.h) as Structs.
//
// No gRPC header is included here:
//   OrgGrpcService org_grpc(org_service, CallDeps{...});
//   grpc_server.AddService(org_grpc.service());
// Thread-safety: calls are answered concurrently; the dependencies and this object must
// outlive the GrpcServer it is registered with.
#pragma once

#include <memory>
#include <string_view>

#include "grpc/call_deps.h"

namespace grpc {
class Service;
}
namespace howler::orgs {
class OrgService;
}

namespace howler::grpcsvc {

class OrgGrpcService {
 public:
  static constexpr std::string_view kServiceName = "howlerops.v1.OrganizationService";

  OrgGrpcService(orgs::OrgService& service, CallDeps deps);
  ~OrgGrpcService();
  OrgGrpcService(const OrgGrpcService&) = delete;
  OrgGrpcService& operator=(const OrgGrpcService&) = delete;

  grpc::Service* service();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace howler::grpcsvc
