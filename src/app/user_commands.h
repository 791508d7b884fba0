// `howlerops-server user create|list|disable|enable`: operator tasks on accounts without
// the HTTP API. They open the configured database (migrations applied first) and go
// through auth::AuthService like the API does: the same validation and hashing, and the
// audit events user_created, user_disabled and user_enabled with user agent "cli".
// Errors go to stderr (message, and the log detail in parentheses when there is one).
#pragma once

#include <iosfwd>
#include <string>

#include "config/options.h"

namespace howler::app {

struct UserCreateArgs {
  std::string username;
  std::string email;
  std::string role = "user";
};

// Reads the password from `password_in` (one line). Returns the process exit code.
int UserCreate(const config::Options& options, const UserCreateArgs& args,
               std::istream& password_in);
int UserList(const config::Options& options);
int UserSetActive(const config::Options& options, const std::string& who, bool active);

}  // namespace howler::app
