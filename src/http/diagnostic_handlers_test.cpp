#include "http/diagnostic_handlers.h"

#include <gtest/gtest.h>

#include <optional>

namespace howler::http {
namespace {

// Pulls the whole body, as the transport does: one chunk at a time.
std::vector<BodyChunk> PullAll(BodySource& source) {
  std::vector<BodyChunk> chunks;
  for (;;) {
    std::optional<BodyChunk> next;
    source.Pull([&next](BodyChunk c) { next = std::move(c); });
    EXPECT_TRUE(next) << "the generated body delivers inline";
    if (!next) return chunks;
    chunks.push_back(std::move(*next));
    if (chunks.back().last) return chunks;
  }
}

TEST(DiagnosticHandlersTest, GeneratedBodiesHaveTheExactLengthIn64KiBChunks) {
  const std::uint64_t size = 3 * kDiagnosticChunkBytes + 100;
  auto body = MakeGeneratedBody(size);
  const std::vector<BodyChunk> chunks = PullAll(*body);
  ASSERT_EQ(chunks.size(), 4u);
  std::uint64_t offset = 0;
  for (const BodyChunk& c : chunks) {
    EXPECT_FALSE(c.failed);
    for (char byte : c.data) ASSERT_EQ(byte, GeneratedByte(offset++)) << offset;
  }
  EXPECT_EQ(offset, size);
  EXPECT_EQ(chunks[0].data.size(), kDiagnosticChunkBytes);
  EXPECT_EQ(chunks[3].data.size(), 100u);
  EXPECT_TRUE(chunks[3].last);
  EXPECT_FALSE(chunks[2].last);
}

TEST(DiagnosticHandlersTest, AnEmptyBodyEndsAtOnce) {
  auto body = MakeGeneratedBody(0);
  const std::vector<BodyChunk> chunks = PullAll(*body);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_TRUE(chunks[0].last);
  EXPECT_TRUE(chunks[0].data.empty());
}

TEST(DiagnosticHandlersTest, ThePatternRepeatsEvery64Bytes) {
  EXPECT_EQ(GeneratedByte(0), 'A');
  EXPECT_EQ(GeneratedByte(26), 'a');
  EXPECT_EQ(GeneratedByte(63), '/');
  EXPECT_EQ(GeneratedByte(64), 'A');
  EXPECT_EQ(GeneratedByte((std::uint64_t{16} << 30) - 1), '/');
}

}  // namespace
}  // namespace howler::http
