// The `backup` and `restore` operator commands (DESIGN.md section 1; README "Backups").
// Both print what they did or why not, and return the process exit code.
#pragma once

#include <filesystem>

#include "config/options.h"

namespace howler::app {

// An embedded database: an online copy (storage/sqlite/sqlite_backup.h), safe while the
// server runs and writes. A remote one: an export into a SQLite file through the Hrana
// client. 0 on success, 1 on failure (`to` is left absent).
int Backup(const config::Options& options, const std::filesystem::path& to);

// Replaces the embedded database by a backup, after checking it; refuses while a server
// holds the database (app/instance_lock.h) and for a remote database.
int Restore(const config::Options& options, const std::filesystem::path& from);

}  // namespace howler::app
