#pragma once
// Pack tests (packs.md §2): example cases with expected flags, written by rule authors in YAML,
// run against a compiled pack, with rule coverage both ways. Used by `waymark test` and CTest.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/rule_pack.hpp"
#include "waymark/engine/prepare.hpp"

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
  std::vector<std::string> rules;        // the enabled rules of the pack tested, for coverage
  std::size_t passed() const;
  std::size_t failed() const;
  /// Adds another run's results and coverage (a base's tests, run against the base).
  void merge(PackTestReport other);
};

/// Runs the tests of a compiled pack's own (top) layer against it. A malformed test file or case is a
/// diagnostic (its tests fail); expectations naming rules that are not enabled fail their test. A
/// test's own `parameters:` compile the pack again with them (an extension of packs.md §2, so that
/// a rule an LA switches on by parameter can be tested in the base).
PackTestReport run_pack_tests(PreparedPack& prepared, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics);

/// `waymark test`: prepares the pack, runs its bases' tests, each against that base as loaded on its
/// own (an overlay's overrides and disables are meant to change what fires), then its own tests.
/// Nothing (with diagnostics) when the pack or a base with tests cannot be prepared.
std::optional<PackTestReport> test_pack(const PackRequest& request, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics);

}  // namespace waymark::engine
