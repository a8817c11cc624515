// `waymark explain --pack PACK (--cases PATH... | --db FILE) --pupil ID [--rule RULE] [--as-of DATE]` (cli.md):
// why each flag of a pupil fired; with --rule, why that rule did or did not fire, per binding.
// `waymark explain --db FILE --flag ID` re-prints a stored flag's explanation exactly as it was made.

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "waymark/dsl/printable.hpp"
#include "pipeline.hpp"
#include "waymark/engine/prepare.hpp"
#include "store_input.hpp"

namespace waymark::cli {

namespace {

// A rule id without its pack (`persistent-absence`) names the rule whose id ends so; otherwise the
// nearest id by spelling.
std::string rule_suggestion(const std::string& rule, const std::vector<std::string>& ids) {
  std::vector<std::string> ends;
  for (const std::string& id : ids) {
    if (id.size() > rule.size() && id.compare(id.size() - rule.size(), rule.size(), rule) == 0 &&
        id[id.size() - rule.size() - 1] == '/') {
      ends.push_back(id);
    }
  }
  if (ends.size() == 1) return "; did you mean '" + ends.front() + "'? (rule ids begin with their pack's name)";
  if (ends.size() > 1) {
    std::string all;
    for (const std::string& id : ends) all += (all.empty() ? "'" : ", '") + id + "'";
    return "; did you mean one of " + all + "? (rule ids begin with their pack's name)";
  }
  return dsl::did_you_mean(rule, ids);
}

struct ExplainOptions {
  std::string pack;
  std::vector<std::string> cases;
  std::string db;    // instead of cases
  std::string flag;  // with db: a stored flag, instead of pack, pupil and rule
  std::string pupil;
  std::string rule;
  std::string as_of;
};

int run_explain(const ExplainOptions& options) {
  dsl::SourceSet sources;
  dsl::Diagnostics diagnostics;
  auto fail = [&](int code) {
    print_diagnostics(std::cerr, diagnostics, sources, false);
    return code;
  };
  if (!options.flag.empty()) {
    if (options.db.empty() || !options.pack.empty() || !options.pupil.empty() || !options.rule.empty() ||
        !options.as_of.empty()) {
      diagnostics.error({}, "usage", "--flag ID goes with --db FILE only: a stored flag knows its pack, pupil and date");
      return fail(exit_usage);
    }
    return explain_stored_flag(options.db, options.flag);
  }
  if (options.pack.empty() || options.pupil.empty()) {
    diagnostics.error({}, "usage", "explain needs --pack and --pupil (or --db FILE --flag ID for a stored flag)");
    return fail(exit_usage);
  }
  const std::optional<dsl::Date> as_of = parse_as_of(options.as_of, diagnostics);
  if (!as_of) return fail(exit_usage);
  std::unique_ptr<engine::PreparedPack> ready = engine::prepare_pack({options.pack}, sources, diagnostics);
  if (!ready) return fail(exit_input);
  std::unique_ptr<StoreInput> db;
  std::optional<engine::Caseload> caseload;
  if (!options.db.empty()) {
    db = read_store_input(options.db, store::OpenMode::read, ready->pack.vocabulary, {options.pupil}, diagnostics);
    if (!db) return fail(exit_input);
    caseload = std::move(db->stored.caseload);
  } else {
    caseload = load_cases(options.cases, ready->pack.vocabulary, sources, diagnostics);
  }
  if (!caseload || !select_pupils(*caseload, {options.pupil}, diagnostics)) return fail(exit_input);
  const engine::Pupil& pupil = caseload->pupils.front();
  const engine::PackIdentity& identity = ready->compiled->identity();
  std::string text;
  if (!options.rule.empty()) {
    const auto explanations = engine::explain_rule(*ready->compiled, pupil, *as_of, options.rule);
    if (!explanations) {
      diagnostics.error({}, "unknown-rule",
                        "no enabled rule '" + dsl::printable(options.rule) + "' in pack " + identity.name +
                            rule_suggestion(options.rule, ready->compiled->rule_ids()));
      return fail(exit_usage);
    }
    if (explanations->empty()) {
      text = "rule " + options.rule + ": no binding to try for pupil " + pupil.id() + " as of " + as_of->iso() +
             " (no record passed the 'for each' window and filter), so it did not fire\n";
    }
    for (std::size_t i = 0; i < explanations->size(); ++i) {
      text += (i > 0 ? "\n" : "") + engine::explanation_text((*explanations)[i], identity);
    }
  } else {
    const engine::PupilResult result = engine::evaluate_pupil(*ready->compiled, pupil, *as_of);
    if (result.flags.empty()) {
      text = "pupil " + pupil.id() + " has no flags as of " + as_of->iso() +
             "; use --rule RULE to see why a rule did not fire\n";
    }
    for (std::size_t i = 0; i < result.flags.size(); ++i) {
      const engine::Flag& f = result.flags[i];
      text += (i > 0 ? "\n" : "") + std::string("flag: ") + f.title + "\n" + engine::explanation_text(f.explanation, identity);
    }
  }
  std::cout << printable_lines(text) << std::flush;
  return exit_ok;
}

}  // namespace

Action add_explain_command(CLI::App& app) {
  auto options = std::make_shared<ExplainOptions>();
  CLI::App* cmd = app.add_subcommand("explain", "Explain why a pupil's flags fired, or why a rule did or did not fire");
  cmd->footer(
      "Example:\n  waymark explain --pack hertfordshire --cases examples/caseload --pupil P-007 --as-of 2025-11-17\n"
      "  waymark explain --pack hertfordshire --cases examples/caseload --pupil P-007 --as-of 2025-11-17 --rule england/persistent-absence\n"
      "  waymark explain --db school.db --flag 1   (a stored flag, exactly as explained when its run was made)\n\n"
      "Exit codes: 0 done, 2 wrong usage (an unknown rule), 3 a pack or case file could not be loaded.");
  cmd->add_option("--pack", options->pack, "The pack: a folder path or a name (not with --flag)");
  add_input_options(cmd, options->cases, options->db);
  cmd->add_option("--pupil", options->pupil, "The pupil's id (not with --flag)");
  cmd->add_option("--flag", options->flag, "With --db: a stored flag's number, as 'waymark history' prints it");
  cmd->add_option("--rule", options->rule, "A rule id (qualified, or without its pack)");
  cmd->add_option("--as-of", options->as_of, "Evaluate as known on this date (YYYY-MM-DD); default today");
  return [options, cmd]() -> int { return cmd->parsed() ? run_explain(*options) : -1; };
}

}  // namespace waymark::cli
