#pragma once
// The subcommands of `waymark` (cli.md): each registers its options on the CLI11 app and runs.

#include <CLI/CLI.hpp>
#include <functional>

namespace waymark::cli {

/// A subcommand's action, run after parsing; returns the exit code.
using Action = std::function<int()>;

Action add_check_command(CLI::App& app);
Action add_fmt_command(CLI::App& app);
Action add_run_command(CLI::App& app);
Action add_explain_command(CLI::App& app);
Action add_import_command(CLI::App& app);
Action add_history_command(CLI::App& app);
Action add_ack_command(CLI::App& app);
Action add_audit_command(CLI::App& app);
Action add_gen_command(CLI::App& app);
Action add_test_command(CLI::App& app);
Action add_diff_command(CLI::App& app);
Action add_user_command(CLI::App& app);
Action add_serve_command(CLI::App& app);

}  // namespace waymark::cli
