#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "common/json_text.h"

namespace howler::log {
namespace {

std::atomic<bool> g_json{false};
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("howler",
                                              std::make_shared<spdlog::sinks::stdout_sink_mt>());
    l->set_pattern("%v");  // lines are formatted by FormatLine
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return logger;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kCritical:
      return "critical";
    case Level::kOff:
      return "off";
  }
  return "info";
}

std::string NowText() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

void AppendValue(std::string& out, const Field& f, bool json) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          if (json || NeedsQuotes(v)) {
            AppendJsonString(out, v);
          } else {
            out += v;
          }
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          char buf[32];
          std::snprintf(buf, sizeof(buf), "%.6g", v);
          out += buf;
        } else {
          out += std::to_string(v);
        }
      },
      f.value);
}

}  // namespace

void Configure(std::string_view level, std::string_view format) {
  Level parsed = Level::kInfo;
  for (Level l : {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError,
                  Level::kCritical, Level::kOff}) {
    if (LevelName(l) == level) parsed = l;
  }
  g_level = static_cast<int>(parsed);
  g_json = (format == "json");
  Logger();
}

bool Enabled(Level level) {
  return level != Level::kOff && static_cast<int>(level) >= g_level.load();
}

std::string FormatLine(bool json, Level level, std::string_view message,
                       std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(128);
  if (json) {
    out += "{\"time\":\"" + NowText() + "\",\"level\":\"";
    out += LevelName(level);
    out += "\",\"msg\":";
    AppendJsonString(out, message);
    for (const Field& f : fields) {
      out.push_back(',');
      AppendJsonString(out, f.key);
      out.push_back(':');
      AppendValue(out, f, true);
    }
    out.push_back('}');
  } else {
    out += NowText();
    out.push_back(' ');
    out += LevelName(level);
    out.push_back(' ');
    out += message;
    for (const Field& f : fields) {
      out.push_back(' ');
      out += f.key;
      out.push_back('=');
      AppendValue(out, f, false);
    }
  }
  return out;
}

void Write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  Logger()->info(FormatLine(g_json.load(), level, message, fields));
}

}  // namespace howler::log
