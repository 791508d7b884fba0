// A secret kept in a file of its own (the development JWT secret in <DATA_DIR>/jwt-secret).
// Safe to call from several processes at once: exactly one creates the file.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace howler::config {

// Returns the file's content with surrounding whitespace trimmed. When the file does not
// exist, creates it (and its directory) with mode 0600 holding 64 random bytes as hex,
// and returns that. An empty, unreadable or uncreatable file is FailedPrecondition.
Result<std::string> ReadOrCreateSecretFile(const std::filesystem::path& path);

}  // namespace howler::config
