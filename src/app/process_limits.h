// Process-wide limits set once at start-up, before any thread or file is created.
#pragma once

#include <cstdint>

namespace howler::app {

// Raises the soft RLIMIT_NOFILE to the hard limit (every connection costs a descriptor)
// and returns the soft limit now in force; 0 when it cannot be read.
std::uint64_t RaiseFileDescriptorLimit();

// Files the process creates are readable by their owner only (umask 077): the database,
// its WAL and shared-memory files, the generated JWT secret.
void RestrictFileModes();

}  // namespace howler::app
