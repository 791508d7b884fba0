// The table of configuration variables: how each one is parsed into Options and shown by
// check-config. Internal to the config library (LoadOptions and DescribeOptions use it).
// The table is immutable; safe to read from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/options.h"

namespace howler::config {

struct Variable {
  std::string_view name;
  // Parses a set, non-empty value into `options`, whose `environment` is already final.
  // Error messages do not repeat the variable name and never contain a secret.
  std::function<Status(std::string_view value, Options& options)> parse;
  // The effective value as text, secrets masked.
  std::function<std::string(const Options& options)> describe;
};

// Every variable except ENVIRONMENT (which LoadOptions resolves first), in the order of
// API.md followed by the operational ones.
const std::vector<Variable>& Variables();

}  // namespace howler::config
