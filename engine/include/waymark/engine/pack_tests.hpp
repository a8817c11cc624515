#pragma once
// Pack tests (packs.md §2): example cases with expected flags, written by rule authors in YAML,
// run against a compiled pack, with rule coverage both ways. Used by `waymark test` and CTest.

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/rule_pack.hpp"
#include "waymark/engine/evaluate.hpp"

namespace waymark::engine {

/// One test's outcome: where it is written, and what differed (empty when it passed).
struct PackTestResult {
  std::string name;
  std::string file;  // as the pack names it
  std::size_t line = 0;
  std::vector<std::string> failures;  // one sentence each, explanations included
  bool passed() const { return failures.empty(); }
};

struct PackTestReport {
  std::vector<PackTestResult> results;
  std::set<std::string> made_fire;      // rules a passing test expected to fire
  std::set<std::string> made_not_fire;  // rules a passing test expected not to fire
  std::size_t passed() const;
  std::size_t failed() const;
  /// Adds another run's results and coverage (a base's tests, run against the base).
  void merge(PackTestReport other);
};

/// Runs the tests of the pack's own (top) layer against it. A base's tests describe the base, so a
/// caller runs them against the base as loaded on its own: an overlay's overrides and disables are
/// meant to change what fires. A malformed test file or case is a diagnostic (its tests fail);
/// expectations naming rules that are not enabled fail their test.
/// Compiles the pack again with a test's own `parameters:` overrides (an extension of packs.md §2,
/// so that a rule an LA switches on by parameter can be tested in the base); nothing on error.
using Recompile = std::function<std::optional<CompiledPack>(const std::vector<dsl::ParamOverride>&, dsl::Diagnostics&)>;

PackTestReport run_pack_tests(const dsl::RulePack& pack, const CompiledPack& compiled, dsl::SourceSet& sources,
                              dsl::Diagnostics& diagnostics, const Recompile& recompile = {});

}  // namespace waymark::engine
