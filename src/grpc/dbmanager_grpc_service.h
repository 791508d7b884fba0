// DbManagerGrpcService: howlerops.v1.DbManagerService (proto/howlerops/v1/dbmanager.proto)
// over dbmanager::DbManagerService, the class the HTTP handlers call. It only translates
// messages; each method's policy is its operation's declaration (api/operations.h),
// applied by CallRunner. Query streams on the gRPC thread that serves the call, pulling one
// event at a time (so a slow reader slows the query); a client that cancels the call has
// its query cancelled.
//
// No gRPC header is included here:
//   DbManagerGrpcService db_grpc(db_service, CallDeps{...});
//   grpc_server.AddService(db_grpc.service());
// Thread-safety: calls are answered concurrently; the dependencies and this object must
// outlive the GrpcServer it is registered with.
#pragma once

#include <memory>
#include <string_view>

#include "grpc/call_deps.h"

namespace grpc {
class Service;
}
namespace howler::dbmanager {
class DbManagerService;
}

namespace howler::grpcsvc {

class DbManagerGrpcService {
 public:
  static constexpr std::string_view kServiceName = "howlerops.v1.DbManagerService";

  DbManagerGrpcService(dbmanager::DbManagerService& service, CallDeps deps);
  ~DbManagerGrpcService();
  DbManagerGrpcService(const DbManagerGrpcService&) = delete;
  DbManagerGrpcService& operator=(const DbManagerGrpcService&) = delete;

  grpc::Service* service();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace howler::grpcsvc
