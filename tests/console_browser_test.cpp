// The web console (/app) in real Chromium against the real binary: this test starts the
// server, an SMTP sink and a PostgreSQL (as `nobody`, dbmanager/testing), then runs the
// browser suite web/console/tests/console_browser.mjs (Node, playwright-core driving
// Debian's /usr/bin/chromium; no browser download) and passes when every case of it
// passes. Screenshots go to <build>/tests/console_screenshots. A missing Chromium, Node
// or console package fails the suite, never skips it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dbmanager/testing/postgres_server.h"
#include "support/server_process.h"
#include "support/smtp_sink.h"

namespace howler::testing {
namespace {

namespace fs = std::filesystem;
using dbmanager::testing::PostgresServer;

// Runs `argv` in a process group of its own with `env` added to this process's
// environment, its output to `log`; answers the exit code, or -1 when it could not run, was
// killed, or ran past `limit` (then its whole group, the browser included, is killed).
int RunWithEnv(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const fs::path& log, std::chrono::seconds limit) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    setpgid(0, 0);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out == nullptr || dup2(fileno(stdout), STDERR_FILENO) < 0) _exit(127);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so that the group exists before any kill below
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  kill(-pid, SIGKILL);  // anything the suite left behind (a browser) goes with it
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ConsoleBrowserTest, EveryPageInChromium) {
  const fs::path source = HOWLER_SOURCE_DIR;
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "Chromium is missing: run scripts/setup.sh";
  ASSERT_TRUE(fs::exists("/usr/bin/node")) << "Node is missing: run scripts/setup.sh";
  ASSERT_TRUE(fs::exists(source / "web/console/node_modules/playwright-core/package.json"))
      << "the console's packages are missing: run scripts/setup.sh";

  auto pg = PostgresServer::Start();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  // A table for the schema tree and a plain query; the suite makes its large results with
  // generate_series.
  ASSERT_TRUE((*pg)
                  ->Sql("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, "
                        "price numeric(10,2) DEFAULT 0); INSERT INTO items SELECT g, 'item ' "
                        "|| g, g * 1.5 FROM generate_series(1, 250) g")
                  .ok());
  SmtpSink sink;
  ASSERT_TRUE(sink.running());

  TempDir dir;
  ServerConfig config;
  // EMAIL_BASE_URL stays unset: its default, the console of this server, is under test.
  config.env = {{"SMTP_URL", sink.url()},
                {"RESEND_FROM_EMAIL", "noreply@howlerops.test"},
                {"RATE_LIMIT_AUTH_PER_MIN", "1000"},
                {"RATE_LIMIT_SYNC_PER_MIN", "10000"},
                {"VERIFICATION_RESEND_INTERVAL", "1s"},
                // Short access tokens: the console refreshes them during the suite.
                {"JWT_EXPIRATION", "40s"}};
  ServerProcess server(dir.path(), config);
  ASSERT_TRUE(server.ready()) << server.Output();

  const fs::path screenshots = fs::current_path() / "console_screenshots";
  fs::create_directories(screenshots);
  const fs::path log = dir.path() / "browser.log";
  const int code = RunWithEnv(
      {"/usr/bin/node", "--test", "--test-reporter=spec", "--test-concurrency=1",
       "--test-timeout=240000", (source / "web/console/tests/console_browser.mjs").string()},
      {{"CONSOLE_BASE_URL", server.base_url()},
       {"SMTP_DIR", sink.dir().string()},
       {"PG_HOST", (*pg)->host()},
       {"PG_PORT", std::to_string((*pg)->port())},
       {"PG_USER", (*pg)->user()},
       {"PG_PASSWORD", (*pg)->password()},
       {"PG_DATABASE", (*pg)->database()},
       {"SCREENSHOT_DIR", screenshots.string()}},
      log, std::chrono::minutes(12));
  const std::string output = ReadFile(log);
  std::cout << output;
  const std::string server_log = server.Output();
  EXPECT_EQ(code, 0) << "the browser suite failed (output above); the server log's end:\n"
                     << server_log.substr(server_log.size() > 6000 ? server_log.size() - 6000 : 0);
  // The database password typed into the console reaches no log.
  EXPECT_EQ(server_log.find((*pg)->password()), std::string::npos);
}

}  // namespace
}  // namespace howler::testing
