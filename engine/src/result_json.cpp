#include "waymark/engine/result_json.hpp"

namespace waymark::engine {

using nlohmann::ordered_json;

namespace {

ordered_json explanation_node_json(const ExplanationNode& n) {
  ordered_json j;
  j["joiner"] = n.joiner;
  j["condition"] = n.text;
  j["at"] = n.location;
  j["result"] = n.result.yes() ? "true" : n.result.is_pending() ? "pending" : "false";
  if (n.result.is_pending()) {
    j["deadline"] = n.result.deadline ? ordered_json(n.result.deadline->iso()) : ordered_json(nullptr);
  }
  j["facts"] = n.facts;
  ordered_json children = ordered_json::array();
  for (const ExplanationNode& c : n.children) children.push_back(explanation_node_json(c));
  j["children"] = std::move(children);
  return j;
}

}  // namespace

ordered_json tier_json(std::optional<std::int64_t> tier) { return tier ? ordered_json(*tier) : ordered_json(nullptr); }

ordered_json explanation_json(const Explanation& e) {
  ordered_json j;
  j["rule_at"] = e.rule_location;
  j["binding"] = e.binding.empty() ? ordered_json(nullptr) : ordered_json(binding_text(e.binding));
  j["when"] = e.when ? explanation_node_json(*e.when) : ordered_json(nullptr);
  j["unless"] = e.unless ? explanation_node_json(*e.unless) : ordered_json(nullptr);
  return j;
}

ordered_json flag_json(const Flag& f, bool explain) {
  // Keys and their order are fixed by cli.md; ordered_json keeps them as inserted.
  ordered_json j;
  j["rule"] = f.rule;
  j["title"] = f.title;
  j["category"] = f.category;
  j["severity"] = severity_name(f.severity);
  j["tier"] = tier_json(f.tier);
  j["evidence"] = f.evidence;
  j["actions"] = f.actions;
  j["notify"] = f.notify;
  j["cite"] = f.cite;
  if (explain) j["explanation"] = explanation_json(f.explanation);
  return j;
}

ordered_json due_json(const DueEntry& d) {
  ordered_json j;
  j["rule"] = d.rule;
  j["evidence"] = d.evidence;
  j["deadline"] = d.deadline ? ordered_json(d.deadline->iso()) : ordered_json(nullptr);
  return j;
}

ordered_json pupil_json(const PupilResult& p, bool explain) {
  ordered_json pj;
  pj["id"] = p.id;
  pj["current_tier"] = p.current_tier == 0 ? ordered_json(nullptr) : ordered_json(p.current_tier);
  pj["suggested_tier"] = tier_json(p.suggested_tier);
  ordered_json fj = ordered_json::array();
  for (const Flag& f : p.flags) fj.push_back(flag_json(f, explain));
  pj["flags"] = std::move(fj);
  ordered_json dj = ordered_json::array();
  for (const DueEntry& d : p.due) dj.push_back(due_json(d));
  pj["due"] = std::move(dj);
  return pj;
}

}  // namespace waymark::engine
