#include "support/smtp_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/die_with_parent.h"

namespace howler::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using std::chrono::steady_clock;

constexpr const char* kPython = "/usr/bin/python3";
constexpr auto kStartTimeout = std::chrono::seconds(20);

// Beside this file, found from the source tree compiled in: __FILE__ is relative when
// ccache rewrites paths under CCACHE_BASEDIR, and tests run in their own build folder.
fs::path ScriptPath() {
  return fs::path(HOWLER_SOURCE_DIR) / "tests" / "support" / "smtp_sink.py";
}

fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "howler-smtp-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

std::vector<std::string> Arguments(const fs::path& dir, const SmtpSinkOptions& options) {
  std::vector<std::string> args = {kPython, ScriptPath().string(), "--dir", dir.string()};
  if (!options.auth_user.empty()) {
    args.insert(args.end(), {"--auth", options.auth_user + ":" + options.auth_password});
  }
  if (options.data_delay.count() > 0) {
    args.insert(
        args.end(),
        {"--delay", std::to_string(std::chrono::duration<double>(options.data_delay).count())});
  }
  if (options.starttls) args.emplace_back("--starttls");
  return args;
}

// fork + exec with `stdin_read` as stdin and `stdout_write` as stdout; -1 on failure.
pid_t Spawn(const std::vector<std::string>& args, int stdin_read, int stdout_write) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // Child: async-signal-safe calls only.
  DieWithParent(parent);
  dup2(stdin_read, STDIN_FILENO);
  dup2(stdout_write, STDOUT_FILENO);
  execv(argv[0], argv.data());
  _exit(127);
}

// Reads "PORT <n>\n" from `fd` until `deadline`; 0 when it does not come.
std::uint16_t ReadPort(int fd, steady_clock::time_point deadline) {
  std::string line;
  while (line.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) return 0;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[256];
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) return 0;  // the script exited
    line.append(buf, static_cast<std::size_t>(n));
  }
  if (line.rfind("PORT ", 0) != 0) return 0;
  return static_cast<std::uint16_t>(std::strtoul(line.c_str() + 5, nullptr, 10));
}

// Waits for `pid` to exit; true when it did within `timeout`.
bool Reap(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (steady_clock::now() < deadline) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || r < 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return (v != nullptr && v->is_string()) ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> Strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const json::value& item : v->as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

std::optional<SmtpSink::Message> ParseMessage(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  json::error_code ec;
  const json::value parsed = json::parse(text.str(), ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const json::object& o = parsed.as_object();
  SmtpSink::Message m;
  m.mail_from = Str(o, "mail_from");
  m.to = Strings(o, "rcpt_tos");
  m.subject = Str(o, "subject");
  m.text = Str(o, "text");
  m.html = Str(o, "html");
  m.raw = Str(o, "raw");
  m.content_type = Str(o, "content_type");
  m.parts = Strings(o, "parts");
  m.defects = Strings(o, "defects");
  m.message_id = Str(o, "message_id");
  m.date = Str(o, "date");
  m.auth_login = Str(o, "auth_login");
  const json::value* tls = o.if_contains("tls");
  m.tls = tls != nullptr && tls->is_bool() && tls->as_bool();
  return m;
}

bool Matches(const SmtpSink::Message& m, std::string_view to, std::string_view subject_part) {
  const bool addressed = std::find(m.to.begin(), m.to.end(), to) != m.to.end();
  return addressed && m.subject.find(subject_part) != std::string::npos;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const int hi = (s[i] == '%' && i + 2 < s.size()) ? HexValue(s[i + 1]) : -1;
    const int lo = hi >= 0 ? HexValue(s[i + 2]) : -1;
    if (lo >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

SmtpSink::SmtpSink(const SmtpSinkOptions& options) : starttls_(options.starttls) {
  Start(options);
}

SmtpSink::~SmtpSink() {
  Stop();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

void SmtpSink::Start(const SmtpSinkOptions& options) {
  dir_ = MakeTempDir();
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  if (dir_.empty() || pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "smtp sink: cannot create its directory or pipes";
    return;
  }
  pid_ = Spawn(Arguments(dir_, options), in[0], out[1]);
  close(in[0]);
  close(out[1]);
  stdin_fd_ = in[1];
  if (pid_ > 0) port_ = ReadPort(out[0], steady_clock::now() + kStartTimeout);
  close(out[0]);
  if (port_ == 0) {
    ADD_FAILURE() << "smtp sink: " << ScriptPath() << " did not start (see stderr)";
    Stop();
  }
}

void SmtpSink::Stop() {
  if (stdin_fd_ >= 0) close(stdin_fd_);  // the script exits at end of input
  stdin_fd_ = -1;
  if (pid_ <= 0) return;
  if (!Reap(pid_, std::chrono::milliseconds(2000))) {
    kill(pid_, SIGTERM);
    if (!Reap(pid_, std::chrono::milliseconds(3000))) {
      kill(pid_, SIGKILL);
      Reap(pid_, std::chrono::milliseconds(3000));
    }
  }
  pid_ = -1;
}

std::string SmtpSink::url() const {
  return "smtp://127.0.0.1:" + std::to_string(port_);
}

fs::path SmtpSink::cert_file() const {
  return starttls_ ? dir_ / "sink-cert.pem" : fs::path();
}

std::vector<SmtpSink::Message> SmtpSink::Messages() const {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Message> out;
  for (const fs::path& file : files) {
    if (std::optional<Message> m = ParseMessage(file)) out.push_back(std::move(*m));
  }
  return out;
}

std::optional<SmtpSink::Message> SmtpSink::WaitFor(std::string_view to,
                                                   std::string_view subject_contains,
                                                   std::chrono::seconds timeout) const {
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    std::vector<Message> all = Messages();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (Matches(*it, to, subject_contains)) return std::move(*it);
    }
    if (steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

std::string ExtractTokenFromLink(std::string_view text, std::string_view path) {
  const std::string marker = std::string(path) + "?token=";
  const std::size_t at = text.find(marker);
  if (at == std::string_view::npos) return {};
  std::string_view rest = text.substr(at + marker.size());
  const std::size_t end = rest.find_first_of(" \t\r\n\"'<>&)");
  return PercentDecode(rest.substr(0, end));
}

}  // namespace howler::testing
