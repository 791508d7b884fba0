// ServerCall: for tests that call a gRPC service's methods directly, without a server or a
// channel: a standalone grpc::ServerContext (no peer, no deadline) with client metadata
// put in through grpc::testing::ServerContextTestSpouse, and the metadata the method set.
// Header-only test support; one call per object (not copyable or movable).
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/test/server_context_test_spouse.h>

#include <string>

namespace howler::grpcsvc::testing {

class ServerCall {
 public:
  // A call with `authorization` metadata ("Bearer <token>") unless it is empty.
  explicit ServerCall(const std::string& authorization = {}) : spouse_(&context_) {
    if (!authorization.empty()) spouse_.AddClientMetadata("authorization", authorization);
  }
  ServerCall(const ServerCall&) = delete;
  ServerCall& operator=(const ServerCall&) = delete;

  // Adds a client metadata entry ("x-forwarded-for", "x-request-id", ...).
  ServerCall& With(const std::string& key, const std::string& value) {
    spouse_.AddClientMetadata(key, value);
    return *this;
  }

  grpc::ServerContext* context() { return &context_; }

  // The first value of a trailing (resp. initial) metadata entry the method set; empty if none.
  std::string Trailer(const std::string& key) const {
    return First(spouse_.GetTrailingMetadata(), key);
  }
  std::string Initial(const std::string& key) const {
    return First(spouse_.GetInitialMetadata(), key);
  }

 private:
  static std::string First(const std::multimap<std::string, std::string>& m,
                           const std::string& key) {
    const auto it = m.find(key);
    return it == m.end() ? std::string() : it->second;
  }

  grpc::ServerContext context_;
  grpc::testing::ServerContextTestSpouse spouse_;
};

}  // namespace howler::grpcsvc::testing
