#include "waymark/engine/impact.hpp"

#include <set>

namespace waymark::engine {

namespace {

/// rule -> pupils it flags.
std::map<std::string, std::set<std::string>> flagged_by_rule(const RunResult& run) {
  std::map<std::string, std::set<std::string>> out;
  for (const PupilResult& p : run.pupils) {
    for (const Flag& f : p.flags) out[f.rule].insert(p.id);
  }
  return out;
}

}  // namespace

PackImpact compare_runs(const RunResult& before, const RunResult& after) {
  const auto old_flags = flagged_by_rule(before);
  const auto new_flags = flagged_by_rule(after);
  std::set<std::string> rules;
  for (const auto& [rule, pupils] : old_flags) rules.insert(rule);
  for (const auto& [rule, pupils] : new_flags) rules.insert(rule);
  PackImpact impact;
  impact.pupils = after.pupils.size();
  std::set<std::string> changed;
  static const std::set<std::string> none;
  for (const std::string& rule : rules) {
    const auto o = old_flags.find(rule);
    const auto n = new_flags.find(rule);
    const std::set<std::string>& was = o != old_flags.end() ? o->second : none;
    const std::set<std::string>& is = n != new_flags.end() ? n->second : none;
    RuleImpact r;
    r.rule = rule;
    for (const std::string& id : is) {
      if (was.count(id) == 0) r.newly_flagged.push_back(id);
    }
    for (const std::string& id : was) {
      if (is.count(id) == 0) r.no_longer_flagged.push_back(id);
    }
    if (r.newly_flagged.empty() && r.no_longer_flagged.empty()) continue;
    changed.insert(r.newly_flagged.begin(), r.newly_flagged.end());
    changed.insert(r.no_longer_flagged.begin(), r.no_longer_flagged.end());
    impact.rules.push_back(std::move(r));
  }
  impact.pupils_changed = changed.size();
  return impact;
}

}  // namespace waymark::engine
