// The `waymark` command line (cli.md): parse arguments, run one subcommand, return its exit code.

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/printable.hpp"

namespace {

// A descriptor 0-2 that is closed would be handed to the next file opened, the database perhaps,
// and the report written into it. Fill it with /dev/null opened so that writing to it fails.
void hold_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_RDONLY | O_CLOEXEC);
    if (opened >= 0 && opened != fd) ::close(opened);  // cannot happen: the lowest free descriptor is fd
  }
}

// A command holds a roll (250,000 pupils: a million small blocks) while it runs, and frees slices of
// it as it goes. By default glibc grows the heap 128 KB at a time (one system call and a run of fresh
// page faults each time), hands freed memory back at once and maps every large block afresh: on the
// six-rule job that was a sixth of the CPU time (docs/performance.md). Grow 64 MB at a time, keep up
// to 256 MB of freed memory for the next slice, and serve blocks under 32 MB from the heap. Peak
// memory is what the roll needs either way; only the churn goes.
void tune_memory_for_rolls() {
  ::mallopt(M_TOP_PAD, 64 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
}

// issue 10.1: output that could not be written is an error (exit 3), never a silent success.
int checked(int code) {
  int error = 0;
  if (waymark::cli::finish_stdout(error)) return code;
  if (code == waymark::cli::exit_input) return code;  // the command failed already and said why
  std::cerr << "waymark: error: cannot write to standard output: " << std::strerror(error)
            << "; the output is incomplete [cannot-write]\n";
  return code == waymark::cli::exit_usage ? code : waymark::cli::exit_input;
}

int run(int argc, char** argv);

// `waymark rnu ...`: the first word is no subcommand; suggest the nearest one.
std::string misspelt_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return "";
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == argv[1]) return "";
    names.push_back(sub->get_name());
  }
  // Short words need a looser match than names in a pack: "rnu" is two edits from "run" but one
  // transposition, and "hist" is the start of "history".
  std::string nearest = waymark::dsl::nearest_name(argv[1], names);
  const std::string word = argv[1];
  for (const std::string& name : names) {
    if (!nearest.empty()) break;
    std::string a = word;
    std::string b = name;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if ((a == b && word.size() >= 3) || (word.size() >= 3 && name.rfind(word, 0) == 0)) nearest = name;
  }
  if (nearest.empty()) return "\n'" + waymark::dsl::printable(argv[1]) + "' is not a waymark command";
  return "\n'" + waymark::dsl::printable(argv[1]) + "' is not a waymark command; did you mean 'waymark " + nearest + "'?";
}

}  // namespace

int main(int argc, char** argv) {
  hold_standard_descriptors();
  tune_memory_for_rolls();
  // A closed pipe is a write error to report (exit 3), not a signal that kills without a word.
  std::signal(SIGPIPE, SIG_IGN);
  return checked(run(argc, argv));
}

namespace {

int run(int argc, char** argv) {
  using namespace waymark::cli;
  CLI::App app{"Waymark: decision support for the graduated response in English schools", "waymark"};
  app.require_subcommand(1);
  app.footer("Run 'waymark COMMAND --help' for a command's options and an example.");
  app.set_version_flag("--version", std::string("waymark ") + WAYMARK_VERSION, "Print the version and exit");
  const std::vector<Action> actions{add_check_command(app), add_fmt_command(app), add_run_command(app),
                                    add_explain_command(app), add_import_command(app), add_history_command(app),
                                    add_ack_command(app), add_audit_command(app), add_gen_command(app),
                                    add_test_command(app), add_diff_command(app),
                                    add_user_command(app), add_serve_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "waymark: " << waymark::dsl::printable(e.what()) << misspelt_command(app, argc, argv)
              << "\nRun 'waymark --help' for usage.\n";
    return exit_usage;
  }
  try {
    for (const Action& action : actions) {
      const int code = action();
      if (code >= 0) return code;
    }
  } catch (const std::bad_alloc&) {
    std::cerr << "waymark: out of memory\n";
    return exit_input;
  }
  return exit_usage;
}

}  // namespace
