// `waymark check PACK [--strict] [--format text|json]` (cli.md): load and type-check a pack and its bases.

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pack_search.hpp"
#include "pipeline.hpp"
#include "waymark/dsl/check.hpp"
#include "waymark/engine/calendar.hpp"
#include "waymark/engine/evaluate.hpp"

namespace waymark::cli {

namespace {

struct CheckOptions {
  std::string pack;
  bool strict = false;
  std::string format = "text";
};

int run_check(const CheckOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  const std::optional<dsl::RulePack> pack = dsl::load_pack(options.pack, pack_search(), sources, diagnostics);
  const bool json = options.format == "json";
  if (!pack) {
    print_diagnostics(std::cout, diagnostics, sources, json);
    return exit_input;
  }
  // A manifest or vocabulary that did not load is an input problem; rule-file problems are findings.
  dsl::check(*pack, sources, diagnostics);
  // case-records.md §3: warn while there is time to add the next academic year's calendar.
  if (const std::optional<engine::Calendar> calendar = engine::load_pack_calendar(*pack, sources, diagnostics)) {
    dsl::Diagnostics none;
    if (const std::optional<dsl::Date> today = parse_as_of("", none)) {
      engine::warn_if_calendar_ends_soon(*calendar, *today, diagnostics);
    }
  }
  print_diagnostics(std::cout, diagnostics, sources, json);
  if (!json) {
    std::size_t rules = 0;
    for (const dsl::PackLayer& layer : pack->layers) {
      for (const dsl::RuleFile& file : layer.rule_files) {
        for (const dsl::Declaration& d : file.declarations) rules += std::holds_alternative<dsl::Rule>(d) ? 1 : 0;
      }
    }
    std::cout << pack->top().name << " " << pack->top().version << " (" << pack->digest << "): " << rules
              << (rules == 1 ? " rule" : " rules") << " in " << pack->layers.size()
              << (pack->layers.size() == 1 ? " pack" : " packs") << ", " << diagnostics.error_count()
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
      "Example:\n  waymark check rules/hertfordshire --strict\n\n"
      "Exit codes: 0 clean, 1 errors found (with --strict, warnings too), 3 the pack could not be loaded.");
  cmd->add_option("pack", options->pack, "The pack: a folder path (./my-pack) or a name (kent)")->required();
  cmd->add_flag("--strict", options->strict, "Treat warnings (no cite, unused parameter, ...) as failures");
  cmd->add_option("--format", options->format, "Diagnostics as text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  return [options, cmd]() -> int { return cmd->parsed() ? run_check(*options) : -1; };
}

}  // namespace waymark::cli
