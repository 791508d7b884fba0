// howlerops-server: the command line (DESIGN.md section 1).
//   serve (default)  runs the server until SIGINT/SIGTERM
//   migrate          applies pending schema migrations and exits
//   check-config     validates configuration and prints it, secrets masked
//   backup/restore   copies the database to a file / replaces it by one
//   version          version, commit, build date (also --version)
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "app/application.h"
#include "app/backup_commands.h"
#include "app/build_info.h"
#include "app/database_factory.h"
#include "app/process_limits.h"
#include "app/user_commands.h"
#include "common/clock.h"
#include "common/log.h"
#include "config/loader.h"
#include "storage/migration_runner.h"
#include "storage/migrations.h"

namespace howler::app {
namespace {

// Loads and validates configuration; prints the problem and returns nullopt on failure.
std::optional<config::Options> LoadConfiguration() {
  auto options = config::LoadOptions(config::ProcessEnvironment(), std::filesystem::current_path());
  if (!options.ok()) {
    std::cerr << "howlerops-server: " << options.status().message() << "\n";
    return std::nullopt;
  }
  if (Status s = config::PrepareDevelopmentFiles(*options); !s.ok()) {
    std::cerr << "howlerops-server: " << s.message() << "\n";
    return std::nullopt;
  }
  log::Configure(options->log_level, config::LogFormatName(options->log_format));
  if (std::string error; !options->log_file.empty() && !log::LogToFile(options->log_file, &error)) {
    std::cerr << "howlerops-server: LOG_FILE: " << error << "\n";
    return std::nullopt;
  }
  return std::move(options).value();
}

int Migrate() {
  auto options = LoadConfiguration();
  if (!options) return 2;
  auto db = OpenDatabase(*options);
  if (!db.ok()) {
    log::Error("cannot open database", {{"error", db.status().ToString()}});
    return 1;
  }
  std::vector<std::string> applied;
  Status s = storage::ApplyMigrations(**db, storage::EmbeddedMigrations(),
                                      SystemClock().NowMillis(), &applied);
  if (!s.ok()) {
    log::Error("migration failed", {{"error", s.ToString()}});
    return 1;
  }
  for (const auto& name : applied) log::Info("migration applied", {{"migration", name}});
  log::Info("migrations up to date", {{"applied_now", applied.size()}});
  return 0;
}

int CheckConfig() {
  auto options = LoadConfiguration();
  if (!options) return 2;
  for (const auto& [name, value] : config::DescribeOptions(*options)) {
    std::cout << name << "=" << value << "\n";
  }
  for (const std::string& note : config::ConfigurationNotes(*options)) {
    std::cout << "note: " << note << "\n";
  }
  std::cout << "configuration ok\n";
  return 0;
}

int Version() {
  std::cout << "howlerops-server " << BuildVersion() << " (commit " << BuildCommit() << ", built "
            << BuildDate() << ")\n";
  return 0;
}

int Main(int argc, char** argv) {
  RestrictFileModes();
  CLI::App cli{"howlerops-server: the Howlerops cloud backend (auth and sync)"};
  cli.require_subcommand(0, 1);
  bool show_version = false;
  cli.add_flag("--version", show_version, "print the version and exit");
  auto* serve = cli.add_subcommand("serve", "run the server until SIGINT/SIGTERM (default)");
  auto* migrate = cli.add_subcommand("migrate", "apply pending schema migrations and exit");
  auto* check = cli.add_subcommand("check-config", "validate and print the configuration");
  auto* version = cli.add_subcommand("version", "print version, commit and build date");
  std::string backup_to;
  auto* backup = cli.add_subcommand("backup", "copy the database into a file while it runs");
  backup->add_option("--to", backup_to, "the new file (must not exist)")->required();
  std::string restore_from;
  auto* restore =
      cli.add_subcommand("restore", "replace the embedded database by a backup (server stopped)");
  restore->add_option("--from", restore_from, "a file written by backup")->required();
  auto* user = cli.add_subcommand("user", "operator tasks on accounts");
  user->require_subcommand(1);
  UserCreateArgs create_args;
  bool password_stdin = false;
  auto* create = user->add_subcommand("create", "create an account (password read from stdin)");
  create->add_option("--username", create_args.username, "3-32 of A-Z a-z 0-9 . _ -")->required();
  create->add_option("--email", create_args.email, "email address")->required();
  create->add_option("--role", create_args.role, "user or admin");
  create->add_flag("--password-stdin", password_stdin, "read the password from stdin")->required();
  auto* list = user->add_subcommand("list", "list accounts");
  std::string who;
  auto* disable = user->add_subcommand("disable", "disable an account and end its sessions");
  disable->add_option("user", who, "id, username or email")->required();
  auto* enable = user->add_subcommand("enable", "enable a disabled account");
  enable->add_option("user", who, "id, username or email")->required();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  if (show_version || version->parsed()) return Version();
  if (migrate->parsed()) return Migrate();
  if (check->parsed()) return CheckConfig();
  if (backup->parsed() || restore->parsed()) {
    auto options = LoadConfiguration();
    if (!options) return 2;
    return backup->parsed() ? Backup(*options, backup_to) : Restore(*options, restore_from);
  }
  if (user->parsed()) {
    auto options = LoadConfiguration();
    if (!options) return 2;
    if (create->parsed()) return UserCreate(*options, create_args, std::cin);
    if (list->parsed()) return UserList(*options);
    return UserSetActive(*options, who, enable->parsed());
  }
  (void)serve;
  auto options = LoadConfiguration();
  if (!options) return 2;
  return RunServe(std::move(*options));
}

}  // namespace
}  // namespace howler::app

int main(int argc, char** argv) {
  return howler::app::Main(argc, argv);
}
