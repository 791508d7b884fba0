#include "common/log.h"

#include <fcntl.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include "common/json_text.h"

namespace howler::log {
namespace {

std::atomic<bool> g_json{false};
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

// Writes each line to stdout, or to a file that can be opened again (LOG_FILE, rotated on
// SIGHUP). spdlog's base_sink serialises every call under its mutex.
class LineSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~LineSink() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  bool Open(const std::string& path, std::string* error) {
    std::FILE* f = path.empty() ? nullptr : OpenAppend(path, error);
    if (f == nullptr && !path.empty()) return false;
    std::lock_guard lock(mutex_);
    if (file_ != nullptr) std::fclose(file_);
    file_ = f;
    path_ = path;
    return true;
  }
  void Reopen() {
    std::lock_guard lock(mutex_);
    if (path_.empty()) return;
    std::string error;
    if (std::FILE* f = OpenAppend(path_, &error)) {
      std::fclose(file_);
      file_ = f;
    }
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::FILE* out = file_ != nullptr ? file_ : stdout;
    std::fwrite(msg.payload.data(), 1, msg.payload.size(), out);
    std::fputc('\n', out);
    std::fflush(out);
  }
  void flush_() override { std::fflush(file_ != nullptr ? file_ : stdout); }

 private:
  static std::FILE* OpenAppend(const std::string& path, std::string* error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    std::FILE* f = fd >= 0 ? ::fdopen(fd, "a") : nullptr;
    if (f == nullptr) {
      if (error != nullptr) *error = "cannot open " + path + ": " + std::strerror(errno);
      if (fd >= 0) ::close(fd);
    }
    return f;
  }

  std::FILE* file_ = nullptr;  // null: stdout
  std::string path_;
};

std::shared_ptr<LineSink> Sink() {
  static std::shared_ptr<LineSink> sink = std::make_shared<LineSink>();
  return sink;
}

std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("howler", Sink());
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

bool LogToFile(const std::string& path, std::string* error) {
  Logger();
  return Sink()->Open(path, error);
}

void ReopenLogFile() {
  Sink()->Reopen();
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
