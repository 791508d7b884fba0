#include "common/tls_key_pair.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "common/temp_dir.h"

namespace howler {
namespace {

// Makes a self-signed certificate and its key with the openssl command line tool; a
// missing tool fails the test.
void MakeSelfSigned(const std::filesystem::path& dir, const std::string& name,
                    const std::string& cn) {
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-days 2 -subj /CN=" +
      cn + " -keyout " + (dir / (name + ".key")).string() + " -out " +
      (dir / (name + ".crt")).string() + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed: " << cmd;
}

class TlsKeyPairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeSelfSigned(dir_.path(), "a", "a.test");
    MakeSelfSigned(dir_.path(), "b", "b.test");
  }
  std::string File(const std::string& name) const { return (dir_.path() / name).string(); }

  TempDir dir_ = std::move(TempDir::Create()).value();
};

TEST_F(TlsKeyPairTest, LoadsAMatchingPairAndDescribesTheLeaf) {
  Result<TlsKeyPair> pair = LoadTlsKeyPair(File("a.crt"), File("a.key"));
  ASSERT_TRUE(pair.ok()) << pair.status().ToString();
  EXPECT_EQ(pair->subject, "CN=a.test");
  EXPECT_FALSE(pair->serial.empty());
  EXPECT_EQ(pair->not_after.size(), 20u);
  EXPECT_NE(pair->certificate_chain_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(pair->private_key_pem.find("PRIVATE KEY"), std::string::npos);
}

TEST_F(TlsKeyPairTest, RefusesAKeyOfAnotherCertificate) {
  Result<TlsKeyPair> pair = LoadTlsKeyPair(File("a.crt"), File("b.key"));
  ASSERT_FALSE(pair.ok());
  EXPECT_EQ(pair.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(pair.status().message().find("does not match"), std::string::npos);
}

TEST_F(TlsKeyPairTest, NamesAMissingFile) {
  Result<TlsKeyPair> pair = LoadTlsKeyPair(File("missing.crt"), File("a.key"));
  ASSERT_FALSE(pair.ok());
  EXPECT_NE(pair.status().message().find("missing.crt"), std::string::npos);
}

TEST_F(TlsKeyPairTest, RefusesAFileLargerThanOneMebibyte) {
  std::ofstream(File("huge.crt")) << std::string((1 << 20) + 1, 'x');
  Result<TlsKeyPair> pair = LoadTlsKeyPair(File("huge.crt"), File("a.key"));
  ASSERT_FALSE(pair.ok());
  EXPECT_NE(pair.status().message().find("larger than 1 MiB"), std::string::npos);
}

TEST_F(TlsKeyPairTest, RefusesFilesWithoutPem) {
  std::ofstream(File("junk.pem")) << "not a certificate\n";
  Result<TlsKeyPair> no_cert = LoadTlsKeyPair(File("junk.pem"), File("a.key"));
  ASSERT_FALSE(no_cert.ok());
  EXPECT_NE(no_cert.status().message().find("holds no PEM certificate"), std::string::npos);
  Result<TlsKeyPair> no_key = LoadTlsKeyPair(File("a.crt"), File("junk.pem"));
  ASSERT_FALSE(no_key.ok());
  EXPECT_NE(no_key.status().message().find("holds no PEM private key"), std::string::npos);
  // The key file's content never shows in a message.
  Result<TlsKeyPair> swapped = LoadTlsKeyPair(File("a.key"), File("a.crt"));
  ASSERT_FALSE(swapped.ok());
  EXPECT_EQ(swapped.status().message().find("PRIVATE KEY"), std::string::npos);
}

}  // namespace
}  // namespace howler
