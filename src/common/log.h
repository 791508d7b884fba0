// Structured logging over spdlog: one line per event, JSON (`LOG_FORMAT=json`) or text.
//
//   log::Info("request", {{"method", "GET"}, {"status", 200}});
//
// Configure() is called once by app before any thread starts; Write() and friends are
// safe from any thread. Callers must never pass secrets (passwords, tokens, token URLs,
// connection secrets) as fields or messages.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace howler::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kCritical, kOff };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) Field(std::string_view k, T v)
      : key(k), value(static_cast<std::int64_t>(v)) {}

  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
};

// level: trace|debug|info|warn|error|critical|off; format: json|text. Unknown -> info/text.
void Configure(std::string_view level, std::string_view format);

// Appends lines to `path` (created with mode 0600) instead of stdout from now on (an empty
// path: stdout again). False, with the reason in `error`, when it cannot be opened (lines
// keep going where they went). Call before threads start.
bool LogToFile(const std::string& path, std::string* error);
// Opens the log file's path again (after a rotation moved the file away); lines written
// meanwhile go to the old file until it returns. No-op when logging to stdout. Safe from
// any thread.
void ReopenLogFile();
bool Enabled(Level level);
void Write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

// Formats one line without writing it (exposed for tests).
std::string FormatLine(bool json, Level level, std::string_view message,
                       std::initializer_list<Field> fields);

inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, m, f);
}
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warn(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, m, f);
}
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kError, m, f);
}

}  // namespace howler::log
