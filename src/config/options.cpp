#include "config/options.h"

namespace howler::config {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string_view EnvironmentName(Environment e) {
  switch (e) {
    case Environment::kDevelopment:
      return "development";
    case Environment::kProduction:
      return "production";
    case Environment::kTest:
      return "test";
  }
  return "development";
}

std::string_view LogFormatName(LogFormat f) {
  return f == LogFormat::kJson ? "json" : "text";
}

std::string_view SqliteSynchronousName(SqliteSynchronous s) {
  return s == SqliteSynchronous::kFull ? "FULL" : "NORMAL";
}

bool IsRemoteDatabase(const Options& options) {
  const std::string_view url = options.database_url;
  return StartsWith(url, "libsql://") || StartsWith(url, "http://") || StartsWith(url, "https://");
}

std::optional<std::filesystem::path> LocalDatabasePath(const Options& options) {
  std::string_view rest = options.database_url;
  if (!StartsWith(rest, "file:")) {
    return std::nullopt;
  }
  rest.remove_prefix(5);
  rest = rest.substr(0, rest.find_first_of("?#"));
  if (StartsWith(rest, "//")) {  // file://[localhost]/absolute/path
    rest.remove_prefix(2);
    const std::size_t slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  if (rest.empty() || rest == ":memory:") {
    return std::nullopt;
  }
  return std::filesystem::path(rest);
}

bool TlsEnabled(const Options& options) {
  return !options.tls_cert_file.empty() && !options.tls_key_file.empty();
}

std::string EmailBaseUrlDefault(const Options& options) {
  std::string host = options.server_host;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") {
    host = "localhost";
  } else if (host.find(':') != std::string::npos && host.front() != '[') {
    host = "[" + host + "]";  // an IPv6 literal
  }
  return std::string(TlsEnabled(options) ? "https" : "http") + "://" + host + ":" +
         std::to_string(options.http_port) + "/app";
}

bool AiConfigured(const Options& options) {
  return !options.ai_base_url.empty() && !options.ai_model.empty();
}

std::string EmailTransportName(const Options& options) {
  if (!options.resend_api_key.empty()) {
    return "resend";
  }
  if (!options.smtp_url.empty()) {
    return "smtp";
  }
  return "log";
}

}  // namespace howler::config
