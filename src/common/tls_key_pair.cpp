#include "common/tls_key_pair.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>

namespace howler {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;

constexpr std::size_t kMaxPemBytes = 1 << 20;

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read " + path);
  std::string out(kMaxPemBytes + 1, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (in.bad()) return InvalidArgumentError("cannot read " + path);
  out.resize(static_cast<std::size_t>(in.gcount()));
  if (out.size() > kMaxPemBytes) return InvalidArgumentError(path + " is larger than 1 MiB");
  return out;
}

Bio MemoryBio(const std::string& data) {
  return Bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string Subject(X509* cert) {
  Bio out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string Serial(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* hex = BN_bn2hex(bn);
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

std::string NotAfter(X509* cert) {
  tm t{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &t) != 1) return "";
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &t);
  return buf;
}

}  // namespace

Result<TlsKeyPair> LoadTlsKeyPair(const std::string& cert_file, const std::string& key_file) {
  TlsKeyPair pair;
  HOWLER_ASSIGN_OR_RETURN(pair.certificate_chain_pem, ReadWhole(cert_file));
  HOWLER_ASSIGN_OR_RETURN(pair.private_key_pem, ReadWhole(key_file));
  Bio cert_bio = MemoryBio(pair.certificate_chain_pem);
  X509Ptr leaf(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  Bio key_bio = MemoryBio(pair.private_key_pem);
  KeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();  // the queue is per thread; leave nothing behind for other callers
  if (leaf == nullptr) return InvalidArgumentError(cert_file + " holds no PEM certificate");
  if (key == nullptr) return InvalidArgumentError(key_file + " holds no PEM private key");
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("the private key in " + key_file +
                                " does not match the certificate in " + cert_file);
  }
  pair.subject = Subject(leaf.get());
  pair.serial = Serial(leaf.get());
  pair.not_after = NotAfter(leaf.get());
  return pair;
}

}  // namespace howler
