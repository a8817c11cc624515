// `waymark user add|list|remove --db FILE` (server.md, Commands): the accounts of `waymark serve`.
// The password is read from standard input, one line, never from the command line (where `ps` and
// shell history would show it).

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "waymark/server/accounts.hpp"

namespace waymark::cli {

namespace {

struct UserOptions {
  std::string db;
  std::string name;
  std::string role;
  std::vector<std::string> schools;
};

// One line from standard input, without echo at a terminal.
std::string read_password() {
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (terminal) {
    std::cerr << "password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int finish(const dsl::Diagnostics& diagnostics, bool ok) {
  dsl::SourceSet sources;
  print_diagnostics(std::cerr, diagnostics, sources, false);
  if (ok) return exit_ok;
  for (const dsl::Diagnostic& d : diagnostics.all()) {
    if (d.code == "usage" || d.code == "weak-password" || d.code == "user-exists" || d.code == "unknown-user") {
      return exit_usage;
    }
  }
  return exit_input;
}

std::unique_ptr<store::Store> open_db(const std::string& db, store::OpenMode mode, dsl::Diagnostics& diagnostics) {
  store::OpenOptions open;
  open.mode = mode;
  return store::Store::open(db, open, diagnostics);
}

int run_add(const UserOptions& options) {
  dsl::Diagnostics diagnostics;
  server::NewUser user;
  user.name = options.name;
  user.role = options.role;
  user.schools = options.schools;
  user.password = read_password();
  auto db = open_db(options.db, store::OpenMode::write, diagnostics);
  const auto added = db ? server::add_user(*db, user, diagnostics) : std::nullopt;
  if (added) {
    std::cout << "added user '" << added->name << "' (" << added->role << ")";
    for (std::size_t i = 0; i < added->schools.size(); ++i) std::cout << (i == 0 ? ": " : ", ") << added->schools[i];
    std::cout << "\n";
  }
  return finish(diagnostics, added.has_value());
}

int run_list(const UserOptions& options) {
  dsl::Diagnostics diagnostics;
  auto db = open_db(options.db, store::OpenMode::read, diagnostics);
  const auto users = db ? db->users(diagnostics) : std::nullopt;
  if (users) {
    // Name, role, schools; never the password hash.
    for (const store::UserAccount& u : *users) {
      std::cout << u.name << "\t" << u.role << "\t";
      for (std::size_t i = 0; i < u.schools.size(); ++i) std::cout << (i == 0 ? "" : ", ") << u.schools[i];
      std::cout << "\n";
    }
  }
  return finish(diagnostics, users.has_value());
}

int run_remove(const UserOptions& options) {
  dsl::Diagnostics diagnostics;
  auto db = open_db(options.db, store::OpenMode::write, diagnostics);
  const bool removed = db && db->remove_user(options.name, diagnostics);
  if (removed) std::cout << "removed user '" << options.name << "'; their sessions have ended\n";
  return finish(diagnostics, removed);
}

}  // namespace

Action add_user_command(CLI::App& app) {
  auto options = std::make_shared<UserOptions>();
  CLI::App* cmd = app.add_subcommand("user", "Add, list or remove the users of 'waymark serve'");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n  echo \"$PASSWORD\" | waymark user add --db la.db \"J Smith\" --role senco --school \"Oakfield Academy\"\n"
      "  waymark user list --db la.db\n  waymark user remove --db la.db \"J Smith\"\n\n"
      "Roles: senco (their schools' pupils; acknowledges flags), la_officer (every school; runs the pack),\n"
      "auditor (everything, read-only). Changes join the audit chain ('waymark audit verify').\n\n"
      "Exit codes: 0 done, 2 wrong usage (or the user exists / does not exist), 3 the database could not be used.");
  CLI::App* add = cmd->add_subcommand("add", "Add a user; the password (12 characters or more) is read from standard input");
  add->add_option("--db", options->db, "The database file")->required();
  add->add_option("name", options->name, "The user's sign-in name")->required();
  add->add_option("--role", options->role, "senco, la_officer or auditor")->required();
  add->add_option("--school", options->schools, "A SENCO's school, as case files name it (repeatable)");
  CLI::App* list = cmd->add_subcommand("list", "List users: name, role, schools (never password hashes)");
  list->add_option("--db", options->db, "The database file")->required();
  CLI::App* remove = cmd->add_subcommand("remove", "Remove a user and end their sessions");
  remove->add_option("--db", options->db, "The database file")->required();
  remove->add_option("name", options->name, "The user's sign-in name")->required();
  return [options, cmd, add, list, remove]() -> int {
    if (!cmd->parsed()) return -1;
    if (add->parsed()) return run_add(*options);
    if (list->parsed()) return run_list(*options);
    if (remove->parsed()) return run_remove(*options);
    return exit_usage;
  };
}

}  // namespace waymark::cli
