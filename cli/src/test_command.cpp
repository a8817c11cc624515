// `waymark test PACK` (packs.md §2): run the tests of a pack and its bases; print each failure with
// its file and line, then rule coverage, then `N passed, M failed`. Exit 1 when any test fails.

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "waymark/dsl/printable.hpp"
#include "pipeline.hpp"
#include "waymark/engine/pack_tests.hpp"

namespace waymark::cli {

namespace {

/// Compiles `ready`'s pack again with a test's parameter overrides added to its top layer.
engine::Recompile recompiler(ReadyPack& ready, dsl::SourceSet& sources) {
  return [&ready, &sources](const std::vector<dsl::ParamOverride>& overrides,
                            dsl::Diagnostics& diagnostics) -> std::optional<engine::CompiledPack> {
    std::vector<dsl::ParamOverride>& top = ready.pack.layers.back().overrides;
    const std::size_t before = top.size();
    top.insert(top.end(), overrides.begin(), overrides.end());
    dsl::CheckedPack checked = dsl::check(ready.pack, sources, diagnostics);
    top.resize(before);
    if (diagnostics.has_errors()) return std::nullopt;
    return engine::compile(ready.pack, checked, sources, ready.compiled->program_calendar());
  };
}

std::string list(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += "\n    " + id;
  return out;
}

int run_test(const std::string& pack_name) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  std::unique_ptr<ReadyPack> ready = prepare_pack(pack_name, sources, diagnostics);
  std::vector<std::unique_ptr<ReadyPack>> bases;  // kept alive: results point into their sources
  if (!ready) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_input;
  }
  // Each layer's tests run against that layer as it stands on its own (bases first): a base's tests
  // describe the base, and an overlay's overrides and disables are meant to change what fires.
  engine::PackTestReport report;
  for (std::size_t i = 0; i + 1 < ready->pack.layers.size(); ++i) {
    if (ready->pack.layers[i].test_files.empty()) continue;
    std::unique_ptr<ReadyPack> base = prepare_pack(ready->pack.layers[i].folder, sources, diagnostics);
    if (!base) {
      print_diagnostics(std::cerr, diagnostics, sources, false);
      return exit_input;
    }
    report.merge(engine::run_pack_tests(base->pack, *base->compiled, sources, diagnostics, recompiler(*base, sources)));
    bases.push_back(std::move(base));
  }
  report.merge(engine::run_pack_tests(ready->pack, *ready->compiled, sources, diagnostics, recompiler(*ready, sources)));
  if (!diagnostics.empty()) print_diagnostics(std::cerr, diagnostics, sources, false);
  // Coverage over every enabled rule of the pack being tested.
  std::vector<std::string> never_fired;
  std::vector<std::string> never_not_fired;
  for (const std::string& id : ready->compiled->rule_ids()) {
    if (report.made_fire.count(id) == 0) never_fired.push_back(id);
    if (report.made_not_fire.count(id) == 0) never_not_fired.push_back(id);
  }
  for (const engine::PackTestResult& r : report.results) {
    if (r.passed()) continue;
    std::cout << dsl::printable(r.file) << ":" << r.line << ": test '" << dsl::printable(r.name) << "' failed\n";
    for (const std::string& f : r.failures) {
      std::cout << "  " << printable_lines(f) << (f.empty() || f.back() != '\n' ? "\n" : "");
    }
  }
  if (!never_fired.empty()) {
    std::cout << "coverage: " << never_fired.size() << " rule(s) no passing test expects to fire:"
              << list(never_fired) << "\n";
  }
  if (!never_not_fired.empty()) {
    std::cout << "coverage: " << never_not_fired.size() << " rule(s) no passing test expects not to fire:"
              << list(never_not_fired) << "\n";
  }
  if (never_fired.empty() && never_not_fired.empty()) {
    std::cout << "coverage: every rule is made to fire and not to fire by a passing test\n";
  }
  std::cout << report.passed() << " passed, " << report.failed() << " failed\n";
  return report.failed() == 0 ? exit_ok : exit_problems;
}

}  // namespace

Action add_test_command(CLI::App& app) {
  auto pack = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("test", "Run a pack's tests (and its bases'), with rule coverage");
  cmd->footer(
      "Example:\n  waymark test rules/kent\n\n"
      "Tests are YAML files (default tests/*.yaml in each pack): a case, an as-of date, and the flags,\n"
      "no_flags, only, suggested_tier and due expected. Exit codes: 0 all passed, 1 a test failed, 3 the pack\n"
      "could not be loaded.");
  cmd->add_option("pack", *pack, "The pack: a folder path or a name")->required();
  return [pack, cmd]() -> int { return cmd->parsed() ? run_test(*pack) : -1; };
}

}  // namespace waymark::cli
