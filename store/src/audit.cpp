// compare_runs: a stored run against a re-evaluation of its inputs (`waymark audit reproduce`). The
// checks of `waymark audit verify` are in verify.cpp.

#include <algorithm>

#include "result_codec.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

namespace {

std::string file_part(const std::string& location) {
  const auto slash = location.find_last_of('/');
  return slash == std::string::npos ? location : location.substr(slash + 1);
}

void normalise(engine::ExplanationNode& n) {
  n.location = file_part(n.location);
  for (engine::ExplanationNode& c : n.children) normalise(c);
}

std::string comparable(engine::Explanation e) {
  e.rule_location = file_part(e.rule_location);
  if (e.when) normalise(*e.when);
  if (e.unless) normalise(*e.unless);
  return detail::explanation_json(e);
}

std::string tier_text(std::optional<std::int64_t> t) { return t ? std::to_string(*t) : "none"; }

std::string list_text(const std::vector<std::string>& v) { return detail::strings_json(v); }

}  // namespace

std::vector<std::string> compare_runs(const engine::RunResult& stored, const engine::RunResult& fresh) {
  std::vector<std::string> out;
  const auto differ = [&](std::string what) {
    if (out.size() < 50) out.push_back(std::move(what));
  };
  if (stored.as_of != fresh.as_of) differ("as-of date: stored " + stored.as_of.iso() + ", now " + fresh.as_of.iso());
  if (stored.pack.digest != fresh.pack.digest) {
    differ("pack digest: stored " + stored.pack.digest + ", now " + fresh.pack.digest);
  }
  if (stored.pupils.size() != fresh.pupils.size()) {
    differ("pupils evaluated: stored " + std::to_string(stored.pupils.size()) + ", now " +
           std::to_string(fresh.pupils.size()));
  }
  const std::size_t n = std::min(stored.pupils.size(), fresh.pupils.size());
  for (std::size_t i = 0; i < n; ++i) {
    const engine::PupilResult& a = stored.pupils[i];
    const engine::PupilResult& b = fresh.pupils[i];
    const std::string who = "pupil " + a.id;
    if (a.id != b.id) {
      differ("pupil " + std::to_string(i + 1) + ": stored " + a.id + ", now " + b.id);
      continue;
    }
    if (a.current_tier != b.current_tier) {
      differ(who + ": current tier stored " + std::to_string(a.current_tier) + ", now " + std::to_string(b.current_tier));
    }
    if (a.suggested_tier != b.suggested_tier) {
      differ(who + ": suggested tier stored " + tier_text(a.suggested_tier) + ", now " + tier_text(b.suggested_tier));
    }
    if (a.flags.size() != b.flags.size()) {
      differ(who + ": " + std::to_string(a.flags.size()) + " flags stored, " + std::to_string(b.flags.size()) + " now");
    }
    for (std::size_t k = 0; k < std::min(a.flags.size(), b.flags.size()); ++k) {
      const engine::Flag& x = a.flags[k];
      const engine::Flag& y = b.flags[k];
      const std::string which = who + ", flag " + std::to_string(k + 1) + " (" + x.rule + ")";
      if (x.rule != y.rule) differ(which + ": rule now " + y.rule);
      if (x.title != y.title) differ(which + ": title stored '" + x.title + "', now '" + y.title + "'");
      if (x.category != y.category) differ(which + ": category now " + y.category);
      if (x.severity != y.severity) differ(which + ": severity now " + engine::severity_name(y.severity));
      if (x.tier != y.tier) differ(which + ": tier stored " + tier_text(x.tier) + ", now " + tier_text(y.tier));
      if (x.evidence != y.evidence) differ(which + ": evidence stored " + list_text(x.evidence) + ", now " + list_text(y.evidence));
      if (x.actions != y.actions) differ(which + ": actions differ");
      if (x.notify != y.notify) differ(which + ": notify stored " + list_text(x.notify) + ", now " + list_text(y.notify));
      if (x.cite != y.cite) differ(which + ": citation differs");
      if (comparable(x.explanation) != comparable(y.explanation)) differ(which + ": the explanation differs");
    }
    if (a.due.size() != b.due.size()) {
      differ(who + ": " + std::to_string(a.due.size()) + " due entries stored, " + std::to_string(b.due.size()) + " now");
    }
    for (std::size_t k = 0; k < std::min(a.due.size(), b.due.size()); ++k) {
      const engine::DueEntry& x = a.due[k];
      const engine::DueEntry& y = b.due[k];
      if (x.rule != y.rule || x.title != y.title || x.evidence != y.evidence || x.deadline != y.deadline ||
          x.actions != y.actions) {
        differ(who + ", due entry " + std::to_string(k + 1) + " (" + x.rule + ") differs");
      }
    }
  }
  return out;
}

}  // namespace waymark::store
