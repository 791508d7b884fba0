#include "email/recording_mailer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace howler::email {
namespace {

TEST(RecordingMailerTest, KeepsMessagesInOrder) {
  RecordingMailer mailer;
  EXPECT_TRUE(mailer.Send({EmailType::kVerification, "a@example.com", "a", "t1"}));
  EXPECT_TRUE(mailer.Send({EmailType::kWelcome, "a@example.com", "a", ""}));
  EXPECT_TRUE(mailer.Send({EmailType::kVerification, "a@example.com", "a", "t2"}));
  ASSERT_EQ(mailer.messages().size(), 3u);
  EXPECT_EQ(mailer.messages()[1].type, EmailType::kWelcome);
  ASSERT_TRUE(mailer.Last(EmailType::kVerification, "a@example.com").has_value());
  EXPECT_EQ(mailer.Last(EmailType::kVerification, "a@example.com")->token, "t2");
  EXPECT_FALSE(mailer.Last(EmailType::kPasswordReset, "a@example.com").has_value());
  EXPECT_FALSE(mailer.Last(EmailType::kVerification, "b@example.com").has_value());
  mailer.Clear();
  EXPECT_TRUE(mailer.messages().empty());
}

TEST(RecordingMailerTest, RefusesWhileNotAccepting) {
  RecordingMailer mailer;
  mailer.SetAccepting(false);
  EXPECT_FALSE(mailer.Send({EmailType::kWelcome, "a@example.com", "a", ""}));
  EXPECT_EQ(mailer.refused(), 1u);
  EXPECT_TRUE(mailer.messages().empty());
  mailer.SetAccepting(true);
  EXPECT_TRUE(mailer.Send({EmailType::kWelcome, "a@example.com", "a", ""}));
}

TEST(RecordingMailerTest, IsSafeFromManyThreads) {
  RecordingMailer mailer;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&mailer] {
      for (int i = 0; i < 100; ++i) mailer.Send({EmailType::kWelcome, "a@example.com", "", ""});
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mailer.messages().size(), 400u);
}

}  // namespace
}  // namespace howler::email
