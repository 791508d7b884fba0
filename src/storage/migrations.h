// Migration: one numbered schema change, from a file `migrations/NNNN_name.sql`.
//
// The files are embedded into the binary at build time (cmake/EmbedMigrations.cmake
// checks their names and generates the definition of EmbeddedMigrations()). Applied
// migrations are never edited: a later change is a new file.
#pragma once

#include <string>
#include <vector>

namespace howler::storage {

struct Migration {
  int version = 0;   // NNNN
  std::string name;  // the file name without ".sql", e.g. "0001_initial"
  std::string sql;   // the file's text, byte for byte (its checksum is taken over this)
};

// The migrations of this build, ordered by strictly increasing version. Thread-safe.
const std::vector<Migration>& EmbeddedMigrations();

}  // namespace howler::storage
