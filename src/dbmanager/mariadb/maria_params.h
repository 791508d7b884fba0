// Binding positional parameters into MariaDB SQL text: each `?` outside quotes
// ('...', "...", `...`) and comments (-- , #, /* */) becomes a quoted literal escaped by
// the connection (mysql_real_escape_string, which knows its character set), or NULL.
// Run on the connection's thread (it uses the MYSQL handle).
#pragma once

#include <mysql.h>

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace howler::dbmanager {

// INVALID_ARGUMENT when the number of placeholders differs from the parameters'.
Result<std::string> BindMariaParams(MYSQL* conn, const std::string& sql,
                                    const std::vector<std::optional<std::string>>& params);

}  // namespace howler::dbmanager
