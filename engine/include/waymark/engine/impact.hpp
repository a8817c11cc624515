#pragma once
// The impact of a pack change over a caseload (`waymark diff`, packs.md §1 for the LA officer):
// per rule, the pupils newly flagged and no longer flagged by the new version.

#include <map>
#include <string>
#include <vector>

#include "waymark/engine/result.hpp"

namespace waymark::engine {

/// One rule's change: pupil ids (sorted) that it flags only in the new run, or only in the old.
struct RuleImpact {
  std::string rule;
  std::vector<std::string> newly_flagged;
  std::vector<std::string> no_longer_flagged;
};

struct PackImpact {
  std::vector<RuleImpact> rules;  // only rules whose flagged pupils changed, by rule id
  std::size_t pupils = 0;         // evaluated in both runs
  std::size_t pupils_changed = 0; // with any rule changed
};

/// Compares two runs over the same caseload (pupils matched by id).
PackImpact compare_runs(const RunResult& before, const RunResult& after);

}  // namespace waymark::engine
