// `waymark diff --pack OLD --pack NEW --cases PATH... [--as-of DATE]` (cli.md): what a pack change
// would do across a caseload before it is published: per rule, pupils newly flagged and no longer
// flagged, with the deciding condition's values before and after, as text an LA officer can paste.

#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pipeline.hpp"
#include "waymark/engine/prepare.hpp"
#include "waymark/engine/impact.hpp"

namespace waymark::cli {

void add_case_options(CLI::App* cmd, std::vector<std::string>& cases);

namespace {

struct DiffOptions {
  std::vector<std::string> packs;
  std::vector<std::string> cases;
  std::string as_of;
  std::size_t detail = 20;
};

/// A rule's conditions for one pupil, flattened: (binding, condition text) -> "✓ facts".
struct Reading {
  std::string outcome;  // "fires", "due", "does not fire", ...
  std::map<std::string, std::string> conditions;
};

Reading read_rule(const engine::CompiledPack& pack, const engine::Pupil& pupil, dsl::Date as_of, const std::string& rule) {
  Reading r;
  const auto explanations = engine::explain_rule(pack, pupil, as_of, rule);
  if (!explanations) {
    r.outcome = "rule not in this version";
    return r;
  }
  if (explanations->empty()) r.outcome = "no record to check";
  for (const engine::Explanation& e : *explanations) {
    const std::string binding = e.binding.empty() ? std::string() : e.binding.item + ": ";
    const std::string outcome = e.result.yes() ? "fires" : e.result.is_pending() ? "due" : "does not fire";
    if (r.outcome.empty() || outcome == "fires") r.outcome = outcome;
    std::vector<const engine::ExplanationNode*> stack;
    if (e.when) stack.push_back(&*e.when);
    if (e.unless) stack.push_back(&*e.unless);
    while (!stack.empty()) {
      const engine::ExplanationNode* n = stack.back();
      stack.pop_back();
      for (const engine::ExplanationNode& c : n->children) stack.push_back(&c);
      if (!n->children.empty()) continue;
      std::string facts;
      for (const std::string& f : n->facts) {
        if (facts.find(f) == std::string::npos) facts += (facts.empty() ? "" : "; ") + f;
      }
      r.conditions[binding + n->text] = std::string(n->result.yes() ? "holds" : n->result.is_pending() ? "pending" : "fails") +
                                        (facts.empty() ? std::string() : " (" + facts + ")");
    }
  }
  return r;
}

/// The deciding conditions: those whose result or values differ between the two versions.
std::string deciding(const Reading& before, const Reading& after, const std::string& indent) {
  std::string out = indent + "before: " + before.outcome + "; after: " + after.outcome + "\n";
  std::set<std::string> keys;
  for (const auto& [k, v] : before.conditions) keys.insert(k);
  for (const auto& [k, v] : after.conditions) keys.insert(k);
  for (const std::string& k : keys) {
    const auto b = before.conditions.find(k);
    const auto a = after.conditions.find(k);
    const std::string was = b != before.conditions.end() ? b->second : "(not in this version)";
    const std::string is = a != after.conditions.end() ? a->second : "(not in this version)";
    if (was == is) continue;
    out += indent + "  " + k + "\n" + indent + "    before: " + was + "\n" + indent + "    after:  " + is + "\n";
  }
  return out;
}

int run_diff(const DiffOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  auto fail = [&](int code) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return code;
  };
  if (options.packs.size() != 2) {
    diagnostics.error({}, "usage", "diff compares two versions: --pack OLD --pack NEW");
    return fail(exit_usage);
  }
  const std::optional<dsl::Date> as_of = parse_as_of(options.as_of, diagnostics);
  if (!as_of) return fail(exit_usage);
  std::unique_ptr<engine::PreparedPack> old_pack = engine::prepare_pack({options.packs[0]}, sources, diagnostics);
  std::unique_ptr<engine::PreparedPack> new_pack = old_pack ? engine::prepare_pack({options.packs[1]}, sources, diagnostics) : nullptr;
  if (!old_pack || !new_pack) return fail(exit_input);
  // Each version reads the cases in its own vocabulary (a new version may add fields). A roll's
  // attendance export is read a block at a time each time, not held twice (diff writes only to
  // standard output, so no output path needs checking against it).
  std::vector<engine::StreamedFile> streamed;
  std::optional<engine::Caseload> old_cases =
      load_cases(options.cases, old_pack->pack.vocabulary, sources, diagnostics, &streamed);
  std::optional<engine::Caseload> new_cases =
      old_cases ? load_cases(options.cases, new_pack->pack.vocabulary, sources, diagnostics, &streamed) : std::nullopt;
  if (!old_cases || !new_cases) return fail(exit_input);
  engine::EvaluateOptions evaluate;
  evaluate.as_of = *as_of;
  // The impact compares which pupils each rule flags; the few pupils shown in detail are explained
  // again one by one (explain_rule), so no flag needs its explanation here.
  evaluate.explanations = false;
  const auto before = engine::evaluate(*old_pack->compiled, *old_cases, evaluate, diagnostics);
  const auto after = before ? engine::evaluate(*new_pack->compiled, *new_cases, evaluate, diagnostics) : std::nullopt;
  if (!before || !after) return fail(exit_input);
  const engine::PackImpact impact = engine::compare_runs(*before, *after);

  const engine::PackIdentity& o = before->pack;
  const engine::PackIdentity& n = after->pack;
  std::ostringstream out;
  out << "Impact of " << options.packs[0] << " (" << o.name << " " << o.version << ", " << o.digest << ")\n"
      << "       -> " << options.packs[1] << " (" << n.name << " " << n.version << ", " << n.digest << ")\n"
      << "over " << impact.pupils << " pupils as of " << as_of->iso() << "\n\n";
  std::size_t newly = 0;
  std::size_t gone = 0;
  for (const engine::RuleImpact& r : impact.rules) {
    newly += r.newly_flagged.size();
    gone += r.no_longer_flagged.size();
    out << r.rule << ": " << r.newly_flagged.size() << " newly flagged, " << r.no_longer_flagged.size()
        << " no longer flagged\n";
    auto detail = [&](const std::vector<std::string>& ids, char sign) {
      for (std::size_t i = 0; i < ids.size() && i < options.detail; ++i) {
        const engine::Pupil* old_pupil = old_cases->find(ids[i]);
        const engine::Pupil* new_pupil = new_cases->find(ids[i]);
        out << "  " << sign << " " << ids[i] << "\n"
            << deciding(read_rule(*old_pack->compiled, *old_pupil, *as_of, r.rule),
                        read_rule(*new_pack->compiled, *new_pupil, *as_of, r.rule), "      ");
      }
      if (ids.size() > options.detail) out << "  ... and " << ids.size() - options.detail << " more\n";
    };
    detail(r.newly_flagged, '+');
    detail(r.no_longer_flagged, '-');
  }
  if (impact.rules.empty()) out << "No rule flags a different set of pupils.\n";
  out << "\nSummary: " << impact.rules.size() << (impact.rules.size() == 1 ? " rule" : " rules") << " changed; "
      << newly << " newly flagged, " << gone << " no longer flagged (pupil-rule pairs); " << impact.pupils_changed
      << " of " << impact.pupils << " pupils affected.\n";
  std::cout << printable_lines(out.str()) << std::flush;
  return exit_ok;
}

}  // namespace

Action add_diff_command(CLI::App& app) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* cmd = app.add_subcommand("diff", "Show the impact of a pack change: pupils newly flagged and no longer flagged, per rule");
  cmd->footer(
      "Example:\n  waymark diff --pack england --pack hertfordshire --cases examples/caseload --as-of 2025-11-17\n"
      "  waymark diff --pack kent --pack ./kent-draft --cases examples/caseload   (your draft against the live pack)\n\n"
      "Exit codes: 0 done, 2 wrong usage, 3 a pack or case file could not be loaded.");
  cmd->add_option("--pack", options->packs, "The old version, then the new (give --pack twice)")->required();
  add_case_options(cmd, options->cases);
  cmd->add_option("--as-of", options->as_of, "Evaluate as known on this date (YYYY-MM-DD); default today");
  cmd->add_option("--detail", options->detail, "How many changed pupils to show per rule and direction (default 20)");
  return [options, cmd]() -> int { return cmd->parsed() ? run_diff(*options) : -1; };
}

}  // namespace waymark::cli
