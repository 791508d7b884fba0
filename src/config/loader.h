// Loading configuration at start-up: the environment layered over `.env.<ENVIRONMENT>`
// and `.env`, parsed and validated into Options (DESIGN.md section 1).
//
// Precedence, per variable: the process environment, then `.env.<ENVIRONMENT>`, then
// `.env`, then the default. An empty value counts as unset at every layer. ENVIRONMENT
// itself comes from the process environment or `.env` only (it picks the second file).
// Not thread-safe with concurrent setenv(); otherwise safe from any thread.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "config/options.h"

namespace howler::config {

// Looks a variable up; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the real process environment (getenv).
EnvLookup ProcessEnvironment();

// Reads `.env` and `.env.<ENVIRONMENT>` from `working_dir`, applies the defaults (which
// depend on ENVIRONMENT: TURSO_URL is file:<DATA_DIR>/development.db in development and
// :memory: in test; LOG_FORMAT is json in production; SYNC_MAX_UPLOAD_SIZE follows
// MAX_REQUEST_SIZE), and validates everything. Every problem is reported at once in one
// InvalidArgument status, "invalid configuration: NAME: problem; NAME: problem; ...".
// In production, missing essentials are reported as such: "JWT_SECRET must be set to at
// least 32 characters", "TURSO_URL must be set: ..." (unset or :memory:; a file: database
// is accepted, for one instance on one machine), "TURSO_AUTH_TOKEN must be set" (a remote
// database only), "an email transport (RESEND_API_KEY with
// RESEND_FROM_EMAIL, or SMTP_URL) must be set". Touches no file other than the two read,
// except that it opens TLS_CERT_FILE and TLS_KEY_FILE to check they can be read.
Result<Options> LoadOptions(const EnvLookup& env, const std::filesystem::path& working_dir);

// Outside production (where it does nothing): creates the parent directory of a file:
// database, and when JWT_SECRET is unset fills options.jwt_secret, from
// <DATA_DIR>/jwt-secret (created once with mode 0600) in development or with a fresh
// random secret held only in memory in test. FailedPrecondition when a file or directory
// cannot be made or read.
Status PrepareDevelopmentFiles(Options& options);

// Every variable (ENVIRONMENT first) with its effective value as check-config prints it.
// JWT_SECRET, TURSO_AUTH_TOKEN and RESEND_API_KEY are masked ("****" plus the last four
// characters of long secrets), as are URL passwords and query values (SMTP_URL, TURSO_URL).
std::vector<std::pair<std::string, std::string>> DescribeOptions(const Options& options);

// What an operator should know about a valid configuration's consequences, one sentence
// each (check-config prints them; serve logs them): today, that a production database in
// a local file serves one instance on one machine.
std::vector<std::string> ConfigurationNotes(const Options& options);

}  // namespace howler::config
