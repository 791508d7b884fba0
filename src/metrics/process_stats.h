// ProcessStats: this process's resident memory, CPU time, open descriptors and start
// time, read from /proc. Any field that cannot be read is left at 0.
#pragma once

namespace howler::metrics {

struct ProcessStats {
  double resident_memory_bytes = 0;
  double cpu_seconds = 0;
  double open_fds = 0;
  double start_time_seconds = 0;  // Unix time
};

ProcessStats ReadProcessStats();

}  // namespace howler::metrics
