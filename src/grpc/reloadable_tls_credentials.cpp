#include "grpc/reloadable_tls_credentials.h"

#include <grpc/grpc.h>

namespace howler::grpcsvc {

ReloadableTlsCredentials::ReloadableTlsCredentials(const TlsKeyPair& pair) : pending_(pair) {
  // The first fetch happens when the port is added; it takes `pair`.
  grpc_ssl_server_credentials_options* options =
      grpc_ssl_server_credentials_create_options_using_config_fetcher(
          GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE, &ReloadableTlsCredentials::Fetch, this);
  core_ = grpc_ssl_server_credentials_create_with_options(options);
}

ReloadableTlsCredentials::~ReloadableTlsCredentials() {
  grpc_server_credentials_release(core_);
}

void ReloadableTlsCredentials::Replace(const TlsKeyPair& pair) {
  std::lock_guard lock(mu_);
  pending_ = pair;
}

int ReloadableTlsCredentials::AddPortToServer(const std::string& addr, grpc_server* server) {
  return grpc_server_add_http2_port(server, addr.c_str(), core_);
}

grpc_ssl_certificate_config_reload_status ReloadableTlsCredentials::Fetch(
    void* self, grpc_ssl_server_certificate_config** config) {
  auto* credentials = static_cast<ReloadableTlsCredentials*>(self);
  std::lock_guard lock(credentials->mu_);
  if (!credentials->pending_) return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_UNCHANGED;
  grpc_ssl_pem_key_cert_pair pem = {credentials->pending_->private_key_pem.c_str(),
                                    credentials->pending_->certificate_chain_pem.c_str()};
  // gRPC 1.51 asserts that a fetched config has client root certificates although none is
  // requested (GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE): the chain itself fills the slot
  // and is never used to verify anything. The strings are copied.
  *config = grpc_ssl_server_certificate_config_create(
      credentials->pending_->certificate_chain_pem.c_str(), &pem, 1);
  credentials->pending_.reset();
  return GRPC_SSL_CERTIFICATE_CONFIG_RELOAD_NEW;
}

}  // namespace howler::grpcsvc
