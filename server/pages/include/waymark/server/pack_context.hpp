#pragma once
// What the pages need of the served pack (issue 12), prepared once by the CLI, which owns the pack:
// its vocabulary and calendar (timelines, cohort facets), its rules and parameters as text (the rules
// page, a flag's source), and an evaluation with one parameter overridden (the impact preview).

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/calendar.hpp"
#include "waymark/engine/pupil.hpp"
#include "waymark/engine/result.hpp"
#include "waymark/server/pages.hpp"

namespace waymark::server::pages {

/// Evaluates the served pack over a caseload as of a date, with `request`'s parameter overridden when
/// given; nothing, with the problems in plain words (a bad value, an unknown parameter), otherwise.
using EvaluatePack = std::function<std::optional<engine::RunResult>(
    const engine::Caseload& caseload, dsl::Date as_of, const ImpactRequest* request, std::vector<std::string>& problems)>;

struct PackContext {
  dsl::Vocabulary vocabulary;
  engine::Calendar calendar;
  PackCatalogue catalogue;
  EvaluatePack evaluate;
  /// The rule of a qualified id, as written, or nothing when the served pack has no such rule.
  std::optional<RuleSource> rule_source(const std::string& rule) const {
    for (const PackRule& r : catalogue.rules) {
      if (r.id == rule) return RuleSource{r.id, r.location, r.source};
    }
    return std::nullopt;
  }
};

}  // namespace waymark::server::pages
