// `waymark test PACK` (packs.md §2): run the tests of a pack and its bases; print each failure with
// its file and line, then rule coverage, then `N passed, M failed`. Exit 1 when any test fails.

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pipeline.hpp"
#include "waymark/dsl/printable.hpp"
#include "waymark/engine/pack_tests.hpp"

namespace waymark::cli {

namespace {

std::string list(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += "\n    " + id;
  return out;
}

int run_test(const std::string& pack_name) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  std::optional<engine::PackTestReport> report = engine::test_pack({pack_name}, sources, diagnostics);
  if (!report) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return exit_input;
  }
  if (!diagnostics.empty()) print_diagnostics(std::cerr, diagnostics, sources, false);
  // Coverage over every enabled rule of the pack being tested.
  std::vector<std::string> never_fired;
  std::vector<std::string> never_not_fired;
  for (const std::string& id : report->rules) {
    if (report->made_fire.count(id) == 0) never_fired.push_back(id);
    if (report->made_not_fire.count(id) == 0) never_not_fired.push_back(id);
  }
  for (const engine::PackTestResult& r : report->results) {
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
  std::cout << report->passed() << " passed, " << report->failed() << " failed\n";
  return report->failed() == 0 ? exit_ok : exit_problems;
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
