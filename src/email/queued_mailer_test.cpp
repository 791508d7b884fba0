#include "email/queued_mailer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>

#include "email/count_recorder.h"

namespace howler::email {
namespace {

using std::chrono::milliseconds;

// Answers each attempt with the next scripted Status (OK once the script runs out) and
// keeps what it was given.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::deque<Status> script = {}) : script_(std::move(script)) {}

  std::string_view name() const override { return "fake"; }
  Status Deliver(const RenderedEmail& email, std::stop_token) override {
    std::lock_guard lock(mu_);
    deliveries_.push_back(email);
    if (script_.empty()) return Status::Ok();
    Status next = script_.front();
    script_.pop_front();
    return next;
  }
  std::vector<RenderedEmail> deliveries() const {
    std::lock_guard lock(mu_);
    return deliveries_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Status> script_;
  std::vector<RenderedEmail> deliveries_;
};

// Blocks every attempt until Release() (then OK) or until stop is requested (CANCELLED).
class BlockingTransport final : public Transport {
 public:
  std::string_view name() const override { return "blocking"; }
  Status Deliver(const RenderedEmail&, std::stop_token stop) override {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, stop, [this] { return released_; });
    return released_ ? Status::Ok() : Status(StatusCode::kCancelled, "stopped");
  }
  void WaitEntered(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return entered_ >= n; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable_any cv_;
  int entered_ = 0;
  bool released_ = false;
};

// Like a mail server that takes 5 s to answer, unless stopped.
class SlowTransport final : public Transport {
 public:
  std::string_view name() const override { return "slow"; }
  Status Deliver(const RenderedEmail&, std::stop_token stop) override {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait_for(lock, stop, std::chrono::seconds(5), [] { return false; });
    return stop.stop_requested() ? Status(StatusCode::kCancelled, "stopped") : Status::Ok();
  }
};

constexpr milliseconds kDrain = std::chrono::seconds(30);  // generous: tests never wait it out

QueuedMailerOptions FastOptions(std::size_t capacity = 100) {
  QueuedMailerOptions options;
  options.capacity = capacity;
  options.retry_delays = {milliseconds(1), milliseconds(1), milliseconds(1)};
  options.templates.base_url = "https://app.example.com";
  return options;
}

EmailMessage Verification(std::string to = "alice@example.com") {
  return {EmailType::kVerification, std::move(to), "alice", "tok"};
}

TEST(QueuedMailerTest, DeliversRenderedMessages) {
  auto owned = std::make_unique<ScriptedTransport>();
  ScriptedTransport* transport = owned.get();
  CountRecorder counts;
  QueuedMailer mailer(std::move(owned), FastOptions(), counts.Callback());
  EXPECT_EQ(mailer.transport_name(), "fake");
  EXPECT_TRUE(mailer.Send(Verification()));
  EXPECT_TRUE(mailer.Send({EmailType::kWelcome, "bob@example.com", "bob", ""}));
  mailer.Shutdown(kDrain);
  const std::vector<RenderedEmail> sent = transport->deliveries();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].to, "alice@example.com");
  EXPECT_EQ(sent[0].link, "https://app.example.com/verify-email?token=tok");
  EXPECT_EQ(sent[0].id.size(), 32u);
  EXPECT_NE(sent[0].id, sent[1].id);
  EXPECT_EQ(sent[1].type, EmailType::kWelcome);
  EXPECT_EQ(counts.Get("verification", "fake", "sent"), 1);
  EXPECT_EQ(counts.Get("welcome", "fake", "sent"), 1);
  EXPECT_EQ(counts.Total(), 2);
}

TEST(QueuedMailerTest, RetriesTransientFailuresThenSucceeds) {
  auto owned = std::make_unique<ScriptedTransport>(std::deque<Status>{
      UnavailableError("down"), ResourceExhaustedError("slow down"), Status::Ok()});
  ScriptedTransport* transport = owned.get();
  CountRecorder counts;
  QueuedMailer mailer(std::move(owned), FastOptions(), counts.Callback());
  EXPECT_TRUE(mailer.Send(Verification()));
  mailer.Shutdown(kDrain);
  const std::vector<RenderedEmail> attempts = transport->deliveries();
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].id, attempts[2].id);  // same Message-ID / Idempotency-Key
  EXPECT_EQ(counts.Get("verification", "fake", "sent"), 1);
  EXPECT_EQ(counts.Total(), 1);
}

// Parameter: a StatusCode as int (so that test names print it readably).
class PermanentFailureTest : public ::testing::TestWithParam<int> {
 protected:
  StatusCode code() const { return static_cast<StatusCode>(GetParam()); }
};

TEST_P(PermanentFailureTest, IsNotRetried) {
  auto owned = std::make_unique<ScriptedTransport>(std::deque<Status>{Status(code(), "no")});
  ScriptedTransport* transport = owned.get();
  CountRecorder counts;
  QueuedMailer mailer(std::move(owned), FastOptions(), counts.Callback());
  EXPECT_TRUE(mailer.Send({EmailType::kPasswordReset, "a@example.com", "a", "t"}));
  mailer.Shutdown(kDrain);
  EXPECT_EQ(transport->deliveries().size(), 1u);
  EXPECT_EQ(counts.Get("password_reset", "fake", "failed"), 1);
  EXPECT_EQ(counts.Total(), 1);
}

INSTANTIATE_TEST_SUITE_P(Codes, PermanentFailureTest,
                         ::testing::Values(static_cast<int>(StatusCode::kInvalidArgument),
                                           static_cast<int>(StatusCode::kFailedPrecondition),
                                           static_cast<int>(StatusCode::kPermissionDenied),
                                           static_cast<int>(StatusCode::kInternal)),
                         [](const auto& info) {
                           return std::string(StatusCodeName(static_cast<StatusCode>(info.param)));
                         });

TEST(QueuedMailerTest, CountsAFailureAfterTheLastRetry) {
  auto owned = std::make_unique<ScriptedTransport>(std::deque<Status>(6, UnavailableError("x")));
  ScriptedTransport* transport = owned.get();
  CountRecorder counts;
  QueuedMailerOptions options = FastOptions();
  options.retry_delays = {milliseconds(1), milliseconds(2)};
  QueuedMailer mailer(std::move(owned), options, counts.Callback());
  EXPECT_TRUE(mailer.Send(Verification()));
  mailer.Shutdown(kDrain);
  EXPECT_EQ(transport->deliveries().size(), 3u);
  EXPECT_EQ(counts.Get("verification", "fake", "failed"), 1);
  EXPECT_EQ(counts.Total(), 1);
}

TEST(QueuedMailerTest, FullQueueRefusesAtOnceAndCounts) {
  auto owned = std::make_unique<BlockingTransport>();
  BlockingTransport* transport = owned.get();
  CountRecorder counts;
  QueuedMailer mailer(std::move(owned), FastOptions(2), counts.Callback());
  ASSERT_TRUE(mailer.Send(Verification("1@example.com")));
  transport->WaitEntered(1);  // the worker holds message 1; the queue is empty
  EXPECT_TRUE(mailer.Send(Verification("2@example.com")));
  EXPECT_TRUE(mailer.Send(Verification("3@example.com")));
  EXPECT_EQ(mailer.queued(), 2u);
  EXPECT_FALSE(mailer.Send(Verification("4@example.com")));
  EXPECT_EQ(counts.Get("verification", "blocking", "dropped"), 1);
  transport->Release();
  mailer.Shutdown(kDrain);
  EXPECT_EQ(counts.Get("verification", "blocking", "sent"), 3);
}

TEST(QueuedMailerTest, SendDoesNotWaitForASlowTransport) {
  CountRecorder counts;
  QueuedMailer mailer(std::make_unique<SlowTransport>(), FastOptions(), counts.Callback());
  // Each call returns while the worker sits in a 5 s attempt; if Send waited for the
  // transport, this test would take 15 s.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(mailer.Send(Verification()));
  mailer.Shutdown(milliseconds(0));  // cancels the attempt in flight
  EXPECT_EQ(counts.Get("verification", "slow", "dropped"), 3);
  EXPECT_EQ(counts.Total(), 3);
}

TEST(QueuedMailerTest, ShutdownDrainsTheQueue) {
  auto owned = std::make_unique<ScriptedTransport>(
      std::deque<Status>{UnavailableError("blip"), Status::Ok()});
  ScriptedTransport* transport = owned.get();
  CountRecorder counts;
  QueuedMailer mailer(std::move(owned), FastOptions(), counts.Callback());
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(mailer.Send(Verification()));
  mailer.Shutdown(kDrain);
  EXPECT_EQ(transport->deliveries().size(), 6u);  // one retry
  EXPECT_EQ(counts.Get("verification", "fake", "sent"), 5);
  EXPECT_EQ(mailer.queued(), 0u);
}

TEST(QueuedMailerTest, ShutdownGivesUpWhenTheBudgetRunsOut) {
  auto owned = std::make_unique<BlockingTransport>();
  BlockingTransport* transport = owned.get();
  CountRecorder counts;
  QueuedMailer mailer(std::move(owned), FastOptions(), counts.Callback());
  EXPECT_TRUE(mailer.Send(Verification()));
  EXPECT_TRUE(mailer.Send(Verification()));
  transport->WaitEntered(1);
  mailer.Shutdown(milliseconds(20));  // the transport never finishes by itself
  EXPECT_EQ(counts.Get("verification", "blocking", "dropped"), 2);
  EXPECT_EQ(counts.Total(), 2);
}

TEST(QueuedMailerTest, ShutdownInterruptsABackoffWait) {
  auto owned = std::make_unique<ScriptedTransport>(std::deque<Status>{UnavailableError("x")});
  ScriptedTransport* transport = owned.get();
  CountRecorder counts;
  QueuedMailerOptions options = FastOptions();
  options.retry_delays = {std::chrono::hours(1)};
  QueuedMailer mailer(std::move(owned), options, counts.Callback());
  EXPECT_TRUE(mailer.Send(Verification()));
  while (transport->deliveries().empty()) std::this_thread::yield();
  mailer.Shutdown(milliseconds(0));
  EXPECT_EQ(transport->deliveries().size(), 1u);
  EXPECT_EQ(counts.Get("verification", "fake", "dropped"), 1);
}

TEST(QueuedMailerTest, SendAfterShutdownIsRefusedAndCounted) {
  CountRecorder counts;
  QueuedMailer mailer(std::make_unique<ScriptedTransport>(), FastOptions(), counts.Callback());
  mailer.Shutdown(kDrain);
  EXPECT_FALSE(mailer.Send(Verification()));
  EXPECT_EQ(counts.Get("verification", "fake", "dropped"), 1);
  mailer.Shutdown(kDrain);  // idempotent
}

TEST(QueuedMailerTest, DestructorCancelsWhatIsLeft) {
  CountRecorder counts;
  {
    QueuedMailer mailer(std::make_unique<BlockingTransport>(), FastOptions(), counts.Callback());
    EXPECT_TRUE(mailer.Send(Verification()));
  }
  EXPECT_EQ(counts.Get("verification", "blocking", "dropped"), 1);
}

TEST(QueuedMailerTest, WorksWithoutACounter) {
  QueuedMailer mailer(std::make_unique<ScriptedTransport>(), FastOptions());
  EXPECT_TRUE(mailer.Send(Verification()));
  mailer.Shutdown(kDrain);
  EXPECT_EQ(mailer.queued(), 0u);
}

}  // namespace
}  // namespace howler::email
