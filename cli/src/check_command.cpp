// `waymark check PACK [--strict] [--format text|json]` (cli.md): load and type-check a pack and its bases.

#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pipeline.hpp"
#include <filesystem>

#include "waymark/dsl/printable.hpp"
#include "waymark/engine/prepare.hpp"

namespace waymark::cli {

namespace {

struct CheckOptions {
  std::string pack;
  bool strict = false;
  std::string format = "text";
};

// `waymark check rules/kent/attendance.wmk`: a rule file is checked as part of its pack, the nearest
// folder above it with a pack.yaml; "" when there is none.
std::string pack_of_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::absolute(path, ec).parent_path();
  for (int up = 0; up < 8 && !ec && !dir.empty(); ++up) {
    if (fs::is_regular_file(dir / "pack.yaml", ec)) return dir.string();
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return "";
}

int run_check(const CheckOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  const bool json = options.format == "json";
  std::string pack_path = options.pack;
  std::error_code ec;
  if (std::filesystem::is_regular_file(options.pack, ec)) {
    pack_path = pack_of_file(options.pack);
    if (pack_path.empty()) {
      diagnostics.error({}, "usage", "'" + dsl::printable(options.pack) +
                                         "' is a file, and no folder above it holds a pack.yaml: 'waymark check' takes "
                                         "a pack, the folder with pack.yaml (see docs/first-local-rule.md)");
      print_diagnostics(std::cerr, diagnostics, sources, json);
      return exit_usage;
    }
    if (!json) std::cerr << "checking the pack at '" << dsl::printable(pack_path) << "', which holds '"
                         << dsl::printable(options.pack) << "'\n";
  }
  // The same preparation as `run` up to compiling (issue 10.5): whatever `run` refuses, `check`
  // reports, calendar defects included.
  engine::PackOutline outline;
  engine::PackRequest request{pack_path};
  request.until = engine::PackStage::checked;
  request.outline = &outline;
  dsl::Diagnostics no_as_of;  // an empty --as-of is today, which always parses
  request.warn_calendar_ending_after = parse_as_of("", no_as_of);
  const bool loaded = engine::prepare_pack(request, sources, diagnostics) != nullptr || outline.layers > 0;
  diagnostics = without_follow_on_warnings(diagnostics);  // so that the counts below match what is shown
  print_diagnostics(std::cout, diagnostics, sources, json);
  // A manifest or vocabulary that did not load is an input problem; rule and calendar problems are findings.
  if (!loaded) return exit_input;
  if (!json) {
    std::cout << outline.name << " " << outline.version << " (" << outline.digest << "): " << outline.rules
              << (outline.rules == 1 ? " rule" : " rules") << " in " << outline.layers
              << (outline.layers == 1 ? " pack" : " packs") << ", " << diagnostics.error_count()
              << (diagnostics.error_count() == 1 ? " error" : " errors") << ", " << diagnostics.warning_count()
              << (diagnostics.warning_count() == 1 ? " warning" : " warnings") << "\n";
  }
  if (diagnostics.has_errors()) return exit_problems;
  if (options.strict && diagnostics.warning_count() > 0) return exit_problems;
  return exit_ok;
}

}  // namespace

Action add_check_command(CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Load and type-check a rule pack and its bases; print diagnostics");
  cmd->footer(
      "Example:\n  waymark check rules/hertfordshire --strict\n"
      "  waymark check rules/hertfordshire/tiers.wmk   (checks the pack the file belongs to)\n\n"
      "Exit codes: 0 clean, 1 errors found (with --strict, warnings too), 3 the pack could not be loaded.");
  cmd->add_option("pack", options->pack,
                  "The pack: a folder path (./my-pack), a name (kent), or a rule file in it")
      ->required();
  cmd->add_flag("--strict", options->strict, "Treat warnings (no cite, unused parameter, ...) as failures");
  cmd->add_option("--format", options->format, "Diagnostics as text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  return [options, cmd]() -> int { return cmd->parsed() ? run_check(*options) : -1; };
}

}  // namespace waymark::cli
