// TlsKeyPair: a server certificate chain and its private key read from PEM files, checked
// to belong together. Both transports build their TLS contexts from one (HTTP through
// Asio's ssl::context, gRPC through its SSL server credentials), so a reload reads the
// files once and hands the same pair to both. This header includes no OpenSSL.
#pragma once

#include <string>

#include "common/result.h"

namespace howler {

struct TlsKeyPair {
  std::string certificate_chain_pem;  // the leaf first, then intermediates
  std::string private_key_pem;        // never logged or printed
  // Of the leaf certificate, for logs and check-config: "CN=example.org", hex serial,
  // and the end of validity as "2027-01-31T12:00:00Z".
  std::string subject;
  std::string serial;
  std::string not_after;
};

// Reads `cert_file` and `key_file`. INVALID_ARGUMENT naming the file when one cannot be
// read, is larger than 1 MiB, holds no PEM certificate (or key), or when the key does not match the
// leaf certificate. Messages never contain key material. Thread-safe.
Result<TlsKeyPair> LoadTlsKeyPair(const std::string& cert_file, const std::string& key_file);

}  // namespace howler
