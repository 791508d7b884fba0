#include "http/gzip.h"

#include <gtest/gtest.h>

namespace howler::http {
namespace {

TEST(GzipTest, RoundTrips) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += "row " + std::to_string(i) + "\n";
  const std::string packed = GzipCompress(data);
  ASSERT_FALSE(packed.empty());
  EXPECT_LT(packed.size(), data.size());
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // gzip magic
  auto back = GzipDecompress(packed, data.size());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, data);
}

TEST(GzipTest, EmptyInputRoundTrips) {
  auto back = GzipDecompress(GzipCompress(""), 10);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "");
}

TEST(GzipTest, StopsAtTheOutputLimit) {
  const std::string bomb = GzipCompress(std::string(4 << 20, 'a'));
  auto r = GzipDecompress(bomb, 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), ApiReason::kPayloadTooLarge);
}

TEST(GzipTest, RejectsCorruptAndTruncatedStreams) {
  EXPECT_EQ(GzipDecompress("not gzip at all", 100).status().code(), StatusCode::kInvalidArgument);
  const std::string packed = GzipCompress(std::string(10000, 'x') + "tail");
  EXPECT_EQ(GzipDecompress(packed.substr(0, packed.size() / 2), 1 << 20).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(GzipTest, AcceptEncodingAllowsGzipUnlessRefused) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("br, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("x-gzip, br"));
  EXPECT_FALSE(AcceptsGzip(""));
}

}  // namespace
}  // namespace howler::http
