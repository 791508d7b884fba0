#include "grpc/message_fields.h"

#include <gtest/gtest.h>

namespace howler::grpcsvc {
namespace {

TEST(TimestampTest, MillisecondsRoundTrip) {
  for (std::int64_t ms : {0LL, 1LL, 999LL, 1795435595055LL, -1LL, -1001LL}) {
    google::protobuf::Timestamp t;
    SetTimestamp(ms, &t);
    EXPECT_GE(t.nanos(), 0);
    EXPECT_LT(t.nanos(), 1000000000);
    auto back = UnixMillisOf("at", t);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, ms);
  }
}

TEST(TimestampTest, UnsetOptionalLeavesTheFieldUnsetAndInvalidIsNamed) {
  google::protobuf::Timestamp t;
  SetTimestamp(std::optional<std::int64_t>(), &t);
  EXPECT_EQ(t.seconds(), 0);
  t.set_nanos(-5);
  EXPECT_EQ(UnixMillisOf("since", t).status(),
            InvalidArgumentError("since is not a valid timestamp"));
}

}  // namespace
}  // namespace howler::grpcsvc
