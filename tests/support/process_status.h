// Fields of /proc/<pid>/status for tests that check a server's memory and threads.
#pragma once

#include <sys/types.h>

#include <string_view>

namespace howler::testing {

// The value of a "Name:  value kB" or "Name: value" line (VmRSS in KiB, Threads), or -1.
long ProcessStatusField(pid_t pid, std::string_view name);

}  // namespace howler::testing
