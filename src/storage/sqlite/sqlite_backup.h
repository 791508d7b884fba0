// Online copies of the embedded database and an export of any storage::Database into a
// SQLite file (the `backup` and `restore` commands, DESIGN.md section 1).
//
// - BackupSqliteFile copies a live database with SQLite's online backup API in one step:
//   the copy is the last commit before the step began (a consistent snapshot; in WAL mode
//   the server's writers go on meanwhile). It writes `to` + ".partial" and renames it, so
//   `to` never holds half a copy; an existing `to` is ALREADY_EXISTS.
// - RestoreSqliteFile checks that `from` is a SQLite database that passes
//   `PRAGMA integrity_check` and carries this project's schema, then copies it over `to`
//   with the same API (SQLite rewrites `to` and its WAL). The caller makes sure no server
//   holds `to` (app/instance_lock.h).
// - ExportToSqlite writes every table of `source` (schema from sqlite_schema, rows read in
//   pages of `page_rows` by rowid) into a new SQLite file, again through ".partial". Pages
//   are separate reads: rows written to the source meanwhile may or may not be in it.
// Each call opens its own connections; safe to call from any thread.
#pragma once

#include <filesystem>

#include "common/result.h"
#include "storage/database.h"

namespace howler::storage {

Status BackupSqliteFile(const std::filesystem::path& from, const std::filesystem::path& to);
Status RestoreSqliteFile(const std::filesystem::path& from, const std::filesystem::path& to);
Status ExportToSqlite(Database& source, const std::filesystem::path& to, int page_rows = 1000);

}  // namespace howler::storage
