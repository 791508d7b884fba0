// LiveNotifier's logic with fake reads and a manual clock; Tick() is called directly (no
// thread), so nothing depends on timing. The SQL behind the reads is tested through the
// real binary (tests/live_sync_test.cpp).
#include "sync/live_notifier.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

namespace howler::sync {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct Event {
  std::string kind;  // hello | changes | heartbeat | end
  LiveState state;
  LiveEnd end = LiveEnd::kShutdown;
};

class Recorder : public LiveListener {
 public:
  void OnState(const LiveState& s, bool hello) override {
    events.push_back({hello ? "hello" : "changes", s});
  }
  void OnHeartbeat() override { events.push_back({"heartbeat", {}}); }
  void OnEnd(LiveEnd reason) override { events.push_back({"end", {}, reason}); }
  std::vector<Event> events;
};

// The database as the fake reads see it, with counts of the reads made.
struct FakeDb {
  std::map<std::string, storage::LiveStateRecord> states;
  std::set<std::string> active_sessions;
  bool fail = false;
  int state_reads = 0;
  std::vector<std::size_t> users_per_read;
  int session_reads = 0;
  std::function<void()> during_session_read;  // runs inside the read, without the lock

  LiveReads Reads() {
    return {
        [this](
            std::span<const std::string> users) -> Result<std::vector<storage::LiveStateRecord>> {
          ++state_reads;
          users_per_read.push_back(users.size());
          if (fail) return UnavailableError("database is unavailable");
          std::vector<storage::LiveStateRecord> out;
          for (const auto& u : users) {
            if (auto it = states.find(u); it != states.end()) out.push_back(it->second);
          }
          return out;
        },
        [this](std::span<const std::string> ids) -> Result<std::vector<std::string>> {
          ++session_reads;
          if (during_session_read) during_session_read();
          if (fail) return UnavailableError("database is unavailable");
          std::vector<std::string> out;
          for (const auto& id : ids) {
            if (active_sessions.contains(id)) out.push_back(id);
          }
          return out;
        }};
  }
  void Set(const std::string& user, std::int64_t seq, std::int64_t conflicts,
           std::string device = "dev") {
    states[user] = {user, seq, conflicts, std::move(device)};
  }
};

class LiveNotifierTest : public testing::Test {
 protected:
  LiveOptions Options(bool poll = false) {
    LiveOptions o;
    o.poll = poll;
    o.poll_interval = seconds(1);
    o.session_check_interval = seconds(10);
    o.heartbeat_interval = seconds(15);
    o.max_per_user = 3;
    o.max_total = 5;
    return o;
  }
  std::shared_ptr<Recorder> Listen(LiveNotifier& n, const std::string& user,
                                   const std::string& session = "s1", TimePoint expires = {}) {
    auto r = std::make_shared<Recorder>();
    db.active_sessions.insert(session);
    auto id = n.Subscribe({user, session, expires, r});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return r;
  }

  ManualClock clock;
  FakeDb db;
};

TEST_F(LiveNotifierTest, HelloCarriesTheCurrentStateThenOnlyChanges) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  db.Set("u1", 7, 2, "laptop");
  auto r = Listen(n, "u1");
  n.Tick();
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].kind, "hello");
  EXPECT_EQ(r->events[0].state.seq, 7);
  EXPECT_EQ(r->events[0].state.conflicts, 2);
  EXPECT_EQ(r->events[0].state.by_device, "laptop");

  n.Changed("u1", "phone");  // a write that moved nothing the listener was told
  n.Tick();
  EXPECT_EQ(r->events.size(), 1u);

  db.Set("u1", 9, 2, "laptop");
  n.Changed("u1", "phone");
  n.Tick();
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[1].kind, "changes");
  EXPECT_EQ(r->events[1].state.seq, 9);
  EXPECT_EQ(r->events[1].state.by_device, "phone");  // the writer this instance saw
}

TEST_F(LiveNotifierTest, UserWithoutSyncStateGetsZeros) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  auto r = Listen(n, "fresh");
  n.Tick();
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].state.seq, 0);
  EXPECT_EQ(r->events[0].state.conflicts, 0);
  EXPECT_EQ(r->events[0].state.by_device, "");
}

TEST_F(LiveNotifierTest, OtherUsersAreNotToldAndNotRead) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  auto a = Listen(n, "alice");
  auto b = Listen(n, "bob", "s2");
  n.Tick();
  db.Set("alice", 3, 0);
  n.Changed("alice", "d");
  n.Changed("carol", "d");  // nobody listens: nothing read
  const std::size_t reads = db.users_per_read.size();
  n.Tick();
  ASSERT_EQ(db.users_per_read.size(), reads + 1);
  EXPECT_EQ(db.users_per_read.back(), 1u);
  EXPECT_EQ(a->events.size(), 2u);
  EXPECT_EQ(b->events.size(), 1u);  // its hello only
}

TEST_F(LiveNotifierTest, CoalescesToTheLatestState) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  auto r = Listen(n, "u1");
  n.Tick();
  for (int seq = 1; seq <= 50; ++seq) {
    db.Set("u1", seq, 0);
    n.Changed("u1", "d");
  }
  n.Tick();
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[1].state.seq, 50);
  EXPECT_EQ(db.state_reads, 2);
}

TEST_F(LiveNotifierTest, ConflictCountAloneIsAChange) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  db.Set("u1", 4, 0);
  auto r = Listen(n, "u1");
  n.Tick();
  db.Set("u1", 4, 1);
  n.Changed("u1", "d");
  n.Tick();
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[1].state.conflicts, 1);
}

TEST_F(LiveNotifierTest, PollingReadsEveryListenedUserInOneReadPerInterval) {
  LiveNotifier n(Options(/*poll=*/true), db.Reads(), clock, nullptr);
  std::vector<std::shared_ptr<Recorder>> rs;
  for (int i = 0; i < 5; ++i) rs.push_back(Listen(n, "u" + std::to_string(i)));
  n.Tick();  // hellos
  const int after_hello = db.state_reads;
  n.Tick();  // nothing due
  EXPECT_EQ(db.state_reads, after_hello);
  db.Set("u3", 11, 0, "other-instance-device");  // written by another instance
  clock.Advance(seconds(1));
  n.Tick();
  EXPECT_EQ(db.state_reads, after_hello + 1);
  EXPECT_EQ(db.users_per_read.back(), 5u);
  ASSERT_EQ(rs[3]->events.size(), 2u);
  EXPECT_EQ(rs[3]->events[1].state.by_device, "other-instance-device");
  EXPECT_EQ(rs[0]->events.size(), 1u);
}

TEST_F(LiveNotifierTest, WithoutPollingNoPeriodicStateReads) {
  LiveNotifier n(Options(/*poll=*/false), db.Reads(), clock, nullptr);
  auto r = Listen(n, "u1");
  n.Tick();
  clock.Advance(seconds(5));
  n.Tick();
  EXPECT_EQ(db.state_reads, 1);
}

TEST_F(LiveNotifierTest, FailedReadKeepsListenersAndRetries) {
  LiveNotifier n(Options(/*poll=*/true), db.Reads(), clock, nullptr);
  auto r = Listen(n, "u1");
  db.fail = true;
  n.Tick();
  EXPECT_TRUE(r->events.empty());
  EXPECT_EQ(n.listeners(), 1u);
  n.Tick();  // the retry waits a poll interval: no read hammering a database that is down
  EXPECT_EQ(db.state_reads, 1);
  db.fail = false;
  db.Set("u1", 2, 0);
  clock.Advance(seconds(1));
  n.Tick();
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].kind, "hello");
  EXPECT_EQ(r->events[0].state.seq, 2);
}

TEST_F(LiveNotifierTest, CapsPerUserAndPerInstance) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  for (int i = 0; i < 3; ++i) Listen(n, "u1");
  auto refused = n.Subscribe({"u1", "s1", {}, std::make_shared<Recorder>()});
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  Listen(n, "u2");
  Listen(n, "u3");
  auto full = n.Subscribe({"u4", "s1", {}, std::make_shared<Recorder>()});
  EXPECT_EQ(full.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(n.listeners(), 5u);
}

TEST_F(LiveNotifierTest, UnsubscribeFreesTheSlot) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto id = n.Subscribe({"u1", "s1", {}, std::make_shared<Recorder>()});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  n.Unsubscribe(ids[0]);
  n.Unsubscribe(ids[0]);  // harmless twice
  EXPECT_TRUE(n.Subscribe({"u1", "s1", {}, std::make_shared<Recorder>()}).ok());
}

TEST_F(LiveNotifierTest, TokenExpiryEndsTheListener) {
  LiveOptions o = Options();
  o.heartbeat_interval = std::chrono::hours(1);
  o.session_check_interval = std::chrono::hours(1);
  LiveNotifier n(o, db.Reads(), clock, nullptr);
  auto r = Listen(n, "u1", "s1", clock.Now() + seconds(30));
  auto forever = Listen(n, "u1", "s1");
  n.Tick();
  clock.Advance(seconds(29));
  n.Tick();
  EXPECT_EQ(r->events.size(), 1u);
  clock.Advance(seconds(1));
  n.Tick();
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[1].kind, "end");
  EXPECT_EQ(r->events[1].end, LiveEnd::kTokenExpired);
  EXPECT_EQ(n.listeners(), 1u);
  db.Set("u1", 1, 0);
  n.Changed("u1", "d");
  n.Tick();
  EXPECT_EQ(r->events.size(), 2u);  // nothing after the end
  EXPECT_EQ(forever->events.size(), 2u);
}

TEST_F(LiveNotifierTest, SessionCheckEndsRevokedSessionsInOneRead) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  auto keep = Listen(n, "u1", "s-keep");
  auto revoked = Listen(n, "u2", "s-revoked");
  auto revoked2 = Listen(n, "u2", "s-revoked");
  n.Tick();
  db.active_sessions.erase("s-revoked");
  clock.Advance(seconds(9));
  n.Tick();
  EXPECT_EQ(db.session_reads, 0);
  clock.Advance(seconds(1));
  n.Tick();
  EXPECT_EQ(db.session_reads, 1);
  EXPECT_EQ(revoked->events.back().kind, "end");
  EXPECT_EQ(revoked->events.back().end, LiveEnd::kSessionEnded);
  EXPECT_EQ(revoked2->events.back().end, LiveEnd::kSessionEnded);
  EXPECT_EQ(keep->events.size(), 1u);
  EXPECT_EQ(n.listeners(), 1u);
}

// A listener that subscribes while a check is reading was not asked about: it stays.
TEST_F(LiveNotifierTest, AListenerThatCameDuringTheSessionCheckStays) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  auto first = Listen(n, "u1", "s-old");
  n.Tick();
  auto late = std::make_shared<Recorder>();
  db.during_session_read = [&] {
    db.active_sessions.insert("s-new");
    ASSERT_TRUE(n.Subscribe({"u2", "s-new", {}, late}).ok());
  };
  clock.Advance(seconds(10));
  n.Tick();
  EXPECT_EQ(db.session_reads, 1);
  EXPECT_EQ(n.listeners(), 2u);
  for (const Event& e : first->events) EXPECT_NE(e.kind, "end") << "first";
  for (const Event& e : late->events) EXPECT_NE(e.kind, "end") << "late";
}

TEST_F(LiveNotifierTest, FailedSessionCheckEndsNobody) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  auto r = Listen(n, "u1");
  n.Tick();
  db.fail = true;
  clock.Advance(seconds(10));
  n.Tick();
  EXPECT_EQ(n.listeners(), 1u);
  EXPECT_EQ(r->events.size(), 1u);
}

TEST_F(LiveNotifierTest, HeartbeatsGoToGreetedListeners) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  auto r = Listen(n, "u1");
  n.Tick();
  clock.Advance(seconds(15));
  n.Tick();
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[1].kind, "heartbeat");
}

TEST_F(LiveNotifierTest, StopEndsEveryListenerAndRefusesNewOnes) {
  LiveNotifier n(Options(), db.Reads(), clock, nullptr);
  auto a = Listen(n, "u1");
  auto b = Listen(n, "u2");
  n.Start();
  n.Stop();
  EXPECT_EQ(a->events.back().kind, "end");
  EXPECT_EQ(a->events.back().end, LiveEnd::kShutdown);
  EXPECT_EQ(b->events.back().end, LiveEnd::kShutdown);
  auto refused = n.Subscribe({"u3", "s1", {}, std::make_shared<Recorder>()});
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace howler::sync
