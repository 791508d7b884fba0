// DieWithParent: for the children that test harnesses and benchmarks start (the server
// under test, tursodb, PostgreSQL, MariaDB, the SMTP sink). Called in the child between
// fork and exec, after any change of user (which would clear it): the kernel SIGKILLs the
// child when the thread that forked it ends, so a test process that crashes or is killed
// leaves no server running. Async-signal-safe. `parent` is getpid() taken before fork;
// a child whose parent already died exits at once.
//
// The children of a thread that ends early die with it: start them from a thread that
// outlives them (a test's own thread, never a short-lived helper thread).
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace howler {

inline void DieWithParent(pid_t parent) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(125);
}

}  // namespace howler
