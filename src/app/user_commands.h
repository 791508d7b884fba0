// `howlerops-server user create|list|disable|enable`: operator tasks on accounts without
// the HTTP API. They open the configured database directly (migrations applied first).
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
