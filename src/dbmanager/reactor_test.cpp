#include "dbmanager/reactor.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

namespace howler::dbmanager {
namespace {

TEST(ReactorTest, RunsPostedTasksInOrderOnItsThread) {
  Reactor reactor;
  std::promise<std::vector<int>> done;
  auto order = std::make_shared<std::vector<int>>();
  for (int i = 0; i < 3; ++i) {
    reactor.Post([&reactor, order, i] {
      EXPECT_TRUE(reactor.InReactorThread());
      order->push_back(i);
    });
  }
  reactor.Post([&done, order] { done.set_value(*order); });
  EXPECT_EQ(done.get_future().get(), (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(reactor.InReactorThread());
}

TEST(ReactorTest, WatchFiresWhenReadableAndForgetDropsIt) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  Reactor reactor;
  std::promise<void> readable;
  std::promise<void> armed;
  reactor.Post([&] {
    reactor.Watch(fds[0], false, [&] { readable.set_value(); });
    armed.set_value();
  });
  armed.get_future().wait();
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  readable.get_future().wait();

  // A forgotten wait never fires: the marker task posted after it runs, the wait does not.
  std::promise<bool> fired_after_forget;
  auto fired = std::make_shared<bool>(false);
  reactor.Post([&, fired] {
    reactor.Watch(fds[0], false, [fired] { *fired = true; });
    reactor.Forget(fds[0]);
  });
  reactor.Post([&, fired] { fired_after_forget.set_value(*fired); });
  EXPECT_FALSE(fired_after_forget.get_future().get());
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(ReactorTest, TimersRunInDeadlineOrderUnlessCancelled) {
  Reactor reactor;
  auto order = std::make_shared<std::vector<int>>();
  std::promise<void> last;
  // Timers run on the reactor thread in deadline order; the cancelled one never runs
  // although its deadline comes before the last one's.
  const auto doomed =
      reactor.RunAfter(std::chrono::milliseconds(200), [order] { order->push_back(0); });
  reactor.Post([&reactor, doomed] { reactor.CancelTimer(doomed); });
  reactor.RunAfter(std::chrono::milliseconds(100), [order] { order->push_back(1); });
  reactor.RunAfter(std::chrono::milliseconds(400), [order, &last] {
    order->push_back(2);
    last.set_value();
  });
  last.get_future().wait();
  EXPECT_EQ(*order, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace howler::dbmanager
