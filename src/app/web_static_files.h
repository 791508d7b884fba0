// The files of web/static and docs/API.md, compiled into the binary at build time
// (src/app/CMakeLists.txt, cmake/EmbedFiles.cmake). Immutable; safe from any thread.
#pragma once

#include <span>

#include "http/embedded_file.h"

namespace howler::app {

std::span<const http::EmbeddedFile> WebStaticFiles();

}  // namespace howler::app
