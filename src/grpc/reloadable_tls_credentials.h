// ReloadableTlsCredentials: gRPC server credentials for TLS whose certificate can be
// replaced while the server runs. gRPC's C core asks its certificate-config fetcher for
// news before every handshake; Replace() leaves the new pair there, so handshakes from
// then on use it while established connections keep theirs. gRPC requires TLS 1.2 or
// later by default.
//
// Only grpc_server.cpp includes this header (it pulls in gRPC).
#pragma once

#include <grpc/grpc_security.h>
#include <grpcpp/security/server_credentials.h>

#include <mutex>
#include <optional>

#include "common/tls_key_pair.h"

namespace howler::grpcsvc {

class ReloadableTlsCredentials final : public grpc::ServerCredentials {
 public:
  explicit ReloadableTlsCredentials(const TlsKeyPair& pair);
  ~ReloadableTlsCredentials() override;
  ReloadableTlsCredentials(const ReloadableTlsCredentials&) = delete;
  ReloadableTlsCredentials& operator=(const ReloadableTlsCredentials&) = delete;

  // Any thread: the next handshake takes `pair` (checked by LoadTlsKeyPair). If gRPC
  // still refuses it, gRPC logs the error and keeps the certificate it had.
  void Replace(const TlsKeyPair& pair);

  // No metadata processor is used; the call is ignored.
  void SetAuthMetadataProcessor(const std::shared_ptr<grpc::AuthMetadataProcessor>&) override {}

 private:
  int AddPortToServer(const std::string& addr, grpc_server* server) override;
  // gRPC's fetcher: hands over the pending pair, if any. Called from gRPC's threads.
  static grpc_ssl_certificate_config_reload_status Fetch(
      void* self, grpc_ssl_server_certificate_config** config);

  std::mutex mu_;
  std::optional<TlsKeyPair> pending_;  // guarded by mu_
  grpc_server_credentials* core_ = nullptr;
};

}  // namespace howler::grpcsvc
