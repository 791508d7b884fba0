#include "config/loader.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "common/crypto.h"
#include "config/dotenv.h"
#include "config/secret_file.h"
#include "config/variables.h"

namespace howler::config {
namespace {

constexpr std::string_view kInvalid = "invalid configuration: ";

// The layered sources of values; an empty value counts as unset.
class Sources {
 public:
  Sources(const EnvLookup& env, DotenvMap dotenv) : env_(env), dotenv_(std::move(dotenv)) {}

  void SetEnvironmentFile(DotenvMap values) { environment_file_ = std::move(values); }

  std::optional<std::string> Get(const std::string& name) const {
    if (std::optional<std::string> v = env_(name); v && !v->empty()) {
      return v;
    }
    for (const DotenvMap* file : {&environment_file_, &dotenv_}) {
      auto it = file->find(name);
      if (it != file->end() && !it->second.empty()) {
        return it->second;
      }
    }
    return std::nullopt;
  }

  bool IsSet(std::string_view name) const { return Get(std::string(name)).has_value(); }

 private:
  const EnvLookup& env_;
  DotenvMap dotenv_;
  DotenvMap environment_file_;
};

Result<Environment> ParseEnvironment(std::string_view v) {
  std::string lower(v);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  for (Environment e : {Environment::kDevelopment, Environment::kProduction, Environment::kTest}) {
    if (lower == EnvironmentName(e)) {
      return e;
    }
  }
  return InvalidArgumentError("must be development, production or test, got '" + std::string(v) +
                              "'");
}

// Defaults that depend on the environment or on other variables.
void ApplyDerivedDefaults(const Sources& sources, Options& o) {
  if (!sources.IsSet("TURSO_URL")) {
    switch (o.environment) {
      case Environment::kDevelopment:
        o.database_url = "file:" + (o.data_dir / "development.db").string();
        break;
      case Environment::kTest:
        o.database_url = ":memory:";
        break;
      case Environment::kProduction:
        o.database_url.clear();
        break;
    }
  }
  if (!sources.IsSet("LOG_FORMAT")) {
    o.log_format = o.environment == Environment::kProduction ? LogFormat::kJson : LogFormat::kText;
  }
  if (!sources.IsSet("EMAIL_BASE_URL")) {
    o.email_base_url = EmailBaseUrlDefault(o);
  }
  if (!sources.IsSet("SYNC_MAX_UPLOAD_SIZE")) {
    o.sync_max_upload_size = o.max_request_size;
  }
}

void CheckConsistency(const Options& o, std::vector<std::string>& errors) {
  if (o.grpc_port != 0 && o.grpc_port == o.http_port) {
    errors.emplace_back("SERVER_GRPC_PORT: must differ from SERVER_HTTP_PORT");
  }
  if (o.metrics_port != 0 && (o.metrics_port == o.http_port || o.metrics_port == o.grpc_port)) {
    errors.emplace_back("SERVER_METRICS_PORT: must differ from the HTTP and gRPC ports");
  }
  if (!o.resend_api_key.empty() && o.resend_from_email.empty()) {
    errors.emplace_back("RESEND_FROM_EMAIL: must be set when RESEND_API_KEY is set");
  }
}

// TLS_CERT_FILE and TLS_KEY_FILE come together and can be read now (their PEM content is
// checked when the listeners start); the redirect port needs TLS and a port of its own.
void CheckTls(const Options& o, std::vector<std::string>& errors) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    errors.emplace_back(o.tls_cert_file.empty() ? "TLS_CERT_FILE: must be set with TLS_KEY_FILE"
                                                : "TLS_KEY_FILE: must be set with TLS_CERT_FILE");
  }
  for (const auto& [name, path] :
       {std::pair{"TLS_CERT_FILE", &o.tls_cert_file}, {"TLS_KEY_FILE", &o.tls_key_file}}) {
    if (path->empty()) continue;
    std::FILE* file = std::fopen(path->c_str(), "rb");
    if (file == nullptr) {
      errors.push_back(std::string(name) + ": cannot read " + *path + ": " +
                       std::generic_category().message(errno));
      continue;
    }
    std::fclose(file);
  }
  if (o.http_redirect_port == 0) return;
  if (!TlsEnabled(o)) {
    errors.emplace_back("HTTP_REDIRECT_PORT: needs TLS_CERT_FILE and TLS_KEY_FILE");
  }
  if (o.http_redirect_port == o.http_port || o.http_redirect_port == o.grpc_port ||
      o.http_redirect_port == o.metrics_port) {
    errors.emplace_back("HTTP_REDIRECT_PORT: must differ from the HTTP, gRPC and metrics ports");
  }
}

void CheckProductionEssentials(const Options& o, std::vector<std::string>& errors) {
  if (o.jwt_secret.size() < 32) {
    errors.emplace_back("JWT_SECRET must be set to at least 32 characters");
  }
  if (o.database_url.empty() || o.database_url == ":memory:") {
    errors.emplace_back(
        "TURSO_URL must be set: a remote libsql:// or https:// URL, or file:PATH for one "
        "instance on one machine (:memory: loses everything at exit)");
  } else if (IsRemoteDatabase(o) && o.database_auth_token.empty()) {
    errors.emplace_back("TURSO_AUTH_TOKEN must be set");
  }
  const bool resend = !o.resend_api_key.empty() && !o.resend_from_email.empty();
  if (!resend && o.smtp_url.empty()) {
    errors.emplace_back(
        "an email transport (RESEND_API_KEY with RESEND_FROM_EMAIL, or SMTP_URL) must be set");
  }
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : std::string(separator)) + item;
  }
  return out;
}

Status InvalidConfiguration(std::string_view what) {
  return InvalidArgumentError(std::string(kInvalid) + std::string(what));
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Result<Options> LoadOptions(const EnvLookup& env, const std::filesystem::path& working_dir) {
  auto dotenv = ReadDotenvFile(working_dir / ".env");
  if (!dotenv.ok()) {
    return InvalidConfiguration(dotenv.status().message());
  }
  Sources sources(env, std::move(dotenv).value());
  Options o;
  std::vector<std::string> errors;
  if (std::optional<std::string> name = sources.Get("ENVIRONMENT")) {
    Result<Environment> e = ParseEnvironment(*name);
    if (e.ok()) {
      o.environment = *e;
    } else {
      errors.push_back("ENVIRONMENT: " + e.status().message());
    }
  }
  if (errors.empty()) {
    auto file =
        ReadDotenvFile(working_dir / (".env." + std::string(EnvironmentName(o.environment))));
    if (!file.ok()) {
      return InvalidConfiguration(file.status().message());
    }
    sources.SetEnvironmentFile(std::move(file).value());
  }
  for (const Variable& variable : Variables()) {
    if (std::optional<std::string> value = sources.Get(std::string(variable.name))) {
      Status s = variable.parse(*value, o);
      if (!s.ok()) {
        errors.push_back(std::string(variable.name) + ": " + s.message());
      }
    }
  }
  ApplyDerivedDefaults(sources, o);
  CheckConsistency(o, errors);
  CheckTls(o, errors);
  if (o.environment == Environment::kProduction) {
    CheckProductionEssentials(o, errors);
  }
  if (!errors.empty()) {
    return InvalidConfiguration(Join(errors, "; "));
  }
  return o;
}

Status PrepareDevelopmentFiles(Options& options) {
  if (options.environment == Environment::kProduction) {
    return Status::Ok();
  }
  if (std::optional<std::filesystem::path> db = LocalDatabasePath(options);
      db && db->has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(db->parent_path(), ec);
    if (ec) {
      return FailedPreconditionError("cannot create the database directory " +
                                     db->parent_path().string() + ": " + ec.message());
    }
  }
  if (!options.jwt_secret.empty()) {
    return Status::Ok();
  }
  if (options.environment == Environment::kTest) {
    options.jwt_secret = HexEncode(RandomBytes(64));
    return Status::Ok();
  }
  HOWLER_ASSIGN_OR_RETURN(options.jwt_secret,
                          ReadOrCreateSecretFile(options.data_dir / "jwt-secret"));
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> DescribeOptions(const Options& options) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("ENVIRONMENT", EnvironmentName(options.environment));
  for (const Variable& variable : Variables()) {
    out.emplace_back(variable.name, variable.describe(options));
  }
  return out;
}

std::vector<std::string> ConfigurationNotes(const Options& options) {
  std::vector<std::string> notes;
  if (options.environment == Environment::kProduction && !IsRemoteDatabase(options)) {
    notes.push_back(
        "the database is a local file (" + options.database_url +
        "): run exactly one instance on this machine; other instances would not see its "
        "data. Back it up while it runs with `howlerops-server backup --to FILE`.");
  }
  if (!AiConfigured(options)) {
    notes.push_back(
        "the AI assistant is not configured (set AI_BASE_URL and AI_MODEL, and AI_API_KEY "
        "when the provider needs one): its operations answer 503 \"the AI assistant is not "
        "configured on this server\".");
  }
  return notes;
}

}  // namespace howler::config
