// `waymark fmt FILE... [--check]` (cli.md): rewrite rule files in the canonical layout.

#include "commands.hpp"
#include "exit_codes.hpp"

namespace waymark::cli {

Action add_fmt_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto check = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("fmt", "Rewrite .wmk files in the canonical layout");
  cmd->add_option("files", *files, "Rule files to format")->required();
  cmd->add_flag("--check", *check, "Only report files that are not in the canonical layout (exit 1)");
  return [cmd]() -> int { return cmd->parsed() ? exit_usage : -1; };
}

}  // namespace waymark::cli
