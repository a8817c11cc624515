// The `waymark` command line (cli.md): parse arguments, run one subcommand, return its exit code.

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"

int main(int argc, char** argv) {
  using namespace waymark::cli;
  CLI::App app{"Waymark: decision support for the graduated response in English schools", "waymark"};
  app.require_subcommand(1);
  app.footer("Run 'waymark COMMAND --help' for a command's options and an example.");
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
  } catch (const CLI::ParseError& e) {
    std::cerr << "waymark: " << e.what() << "\nRun 'waymark --help' for usage.\n";
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
