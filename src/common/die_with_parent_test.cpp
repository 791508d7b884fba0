#include "common/die_with_parent.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace howler {
namespace {

// In a forked harness process that adopts orphans (a subreaper): a middle process starts
// a child that calls DieWithParent, waits until it has, and exits; the harness then reaps
// the orphaned child and exits 0 only if SIGKILL ended it (without DieWithParent, its own
// alarm ends it and the test fails). Only async-signal-safe calls after fork.
TEST(DieWithParentTest, TheChildIsKilledWhenItsParentEnds) {
  const pid_t harness = fork();
  ASSERT_GE(harness, 0);
  if (harness == 0) {
    alarm(20);  // never hangs the test
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) _exit(2);
    const pid_t middle = fork();
    if (middle == 0) {
      int ready[2];
      if (pipe(ready) != 0) _exit(3);
      const pid_t parent = getpid();
      if (fork() == 0) {
        alarm(10);  // ends by SIGALRM if DieWithParent did nothing
        DieWithParent(parent);
        char c = 'r';
        (void)!write(ready[1], &c, 1);
        pause();  // until killed
        _exit(4);
      }
      char c = 0;
      (void)!read(ready[0], &c, 1);
      _exit(0);  // the child's parent ends here
    }
    int status = 0;
    if (waitpid(middle, &status, 0) != middle) _exit(5);
    const pid_t orphan = waitpid(-1, &status, 0);  // adopted by the harness
    _exit(orphan > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? 0 : 6);
  }
  int status = 0;
  ASSERT_EQ(waitpid(harness, &status, 0), harness);
  ASSERT_TRUE(WIFEXITED(status)) << "the harness was signalled: " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace howler
