// EmbeddedFile: one file compiled into the binary by cmake/EmbedFiles.cmake (its bytes,
// the URL path it is served at, and the SHA-256 of its bytes computed at build time).
// The generated tables are immutable and safe to read from any thread.
#pragma once

#include <string_view>

namespace howler::http {

struct EmbeddedFile {
  std::string_view path;    // "/index.html", "/app/assets/index-1a2b3c4d.js"
  std::string_view data;    // the file's bytes
  std::string_view sha256;  // lower-case hex
};

}  // namespace howler::http
