#pragma once
// Semantics fixtures for the engine tests (language.md §4-9): a rule file written in the test,
// compiled in an in-memory pack `test` with the England vocabulary, tiers 1-5 and both shipped
// calendars (never the England rules, which would add flags), evaluated against case YAML as of a
// date. A test reads: rules + case + as-of -> flags, due entries, tiers.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support.hpp"
#include "waymark/dsl/check.hpp"
#include "waymark/dsl/parse.hpp"
#include "waymark/engine/evaluate.hpp"

namespace waymark::engine::testing {

/// A `parameters:` entry of a manifest, as YAML would give it.
struct Override {
  std::string name;
  std::string value;
  bool quoted = false;
};

/// A compiled pack named `test` holding one rule file; its rule ids are `test/RULE-ID`.
class TestPack {
public:
  explicit TestPack(const std::string& rules, std::vector<Override> overrides = {},
                    std::optional<Calendar> calendar = std::nullopt)
      : sources_(std::make_unique<dsl::SourceSet>()), pack_(std::make_unique<dsl::RulePack>()) {
    dsl::Diagnostics d;
    const auto vocabulary = sources_->add(
        "vocabulary.yaml", read_text(std::string(WAYMARK_SOURCE_ROOT) + "/rules/england/vocabulary.yaml"));
    EXPECT_TRUE(dsl::load_vocabulary(*sources_, vocabulary, pack_->vocabulary, d));
    for (std::int64_t tier = 1; tier <= 5; ++tier) pack_->tiers[tier] = "tier " + std::to_string(tier);
    dsl::PackLayer layer;
    layer.name = "test";
    layer.version = "1";
    const auto file = sources_->add("test.wmk", rules);
    layer.rule_files.push_back(dsl::parse(*sources_, file, d));
    for (const Override& o : overrides) {
      dsl::ParamOverride p;
      p.name = o.name;
      p.value = o.value;
      p.quoted = o.quoted;
      layer.overrides.push_back(p);
    }
    pack_->layers.push_back(std::move(layer));
    if (!d.has_errors()) checked_ = dsl::check(*pack_, *sources_, d);
    diagnostics_ = render_text(d.sorted(), *sources_);
    if (d.has_errors()) {
      ADD_FAILURE() << "the test rules do not check:\n" << diagnostics_;
      return;
    }
    // Merging into a fresh calendar lets a test pass any one, or none for both shipped years.
    Calendar fresh;
    fresh.merge(calendar ? *calendar : shipped_both());
    compiled_.emplace(compile(*pack_, checked_, *sources_, std::move(fresh)));
  }

  bool ok() const { return compiled_.has_value(); }
  const CompiledPack& compiled() const { return *compiled_; }
  /// Warnings (and errors) of checking, rendered.
  const std::string& diagnostics() const { return diagnostics_; }

  /// Evaluates every pupil of the case text through engine::evaluate (the CLI's entry point).
  RunResult run(const std::string& cases, const char* as_of, unsigned threads = 1) const {
    RunResult out;
    if (!ok()) return out;
    Loaded loaded = load_yaml(cases);
    EXPECT_TRUE(loaded.ok) << loaded.diagnostics;
    EvaluateOptions options;
    options.as_of = day(as_of);
    options.threads = threads;
    dsl::Diagnostics d;
    std::optional<RunResult> r = engine::evaluate(*compiled_, loaded.caseload, options, d);
    EXPECT_TRUE(r.has_value()) << render_text(d.sorted(), *sources_);
    return r ? std::move(*r) : out;
  }

  /// The result of the one pupil in the case text.
  PupilResult evaluate(const std::string& case_yaml, const char* as_of) const {
    RunResult r = run(case_yaml, as_of);
    if (r.pupils.size() != 1) {
      ADD_FAILURE() << "expected one pupil, got " << r.pupils.size();
      return {};
    }
    return std::move(r.pupils.front());
  }

  /// explain_rule for the one pupil of the case text.
  std::vector<Explanation> explain(const std::string& case_yaml, const char* as_of, const std::string& rule) const {
    if (!ok()) return {};
    Loaded loaded = load_yaml(case_yaml);
    EXPECT_TRUE(loaded.ok) << loaded.diagnostics;
    if (loaded.caseload.pupils.size() != 1) return {};
    auto e = explain_rule(*compiled_, loaded.caseload.pupils.front(), day(as_of), rule);
    EXPECT_TRUE(e.has_value()) << "no rule " << rule;
    return e.value_or(std::vector<Explanation>{});
  }

private:
  std::unique_ptr<dsl::SourceSet> sources_;  // stable addresses: the checked pack points into both
  std::unique_ptr<dsl::RulePack> pack_;
  dsl::CheckedPack checked_;
  std::optional<CompiledPack> compiled_;
  std::string diagnostics_;
};

/// A case file for pupil P-1 with `records` (YAML list items, indented two spaces) and optional
/// attendance runs and extra pupil attributes (each `key: value` line, indented two spaces).
inline std::string pupil_case(const std::string& records, const std::string& attendance = {},
                              const std::string& attributes = "  dob: 2012-03-14\n") {
  std::string out = "pupil:\n  id: P-1\n" + attributes;
  if (!records.empty()) out += "records:\n" + records;
  if (!attendance.empty()) out += "attendance:\n" + attendance;
  return out;
}

/// Rule ids of the flags, in result order, without the `test/` prefix.
inline std::vector<std::string> flag_ids(const PupilResult& r) {
  std::vector<std::string> out;
  for (const Flag& f : r.flags) out.push_back(f.rule.substr(f.rule.find('/') + 1));
  return out;
}

/// Due entries as `RULE EVIDENCE... -> DEADLINE` (deadline `null` when beyond the calendar), in order.
inline std::vector<std::string> due_lines(const PupilResult& r) {
  std::vector<std::string> out;
  for (const DueEntry& d : r.due) {
    std::string line = d.rule.substr(d.rule.find('/') + 1);
    for (const std::string& e : d.evidence) line += " " + e;
    line += " -> " + (d.deadline ? d.deadline->iso() : std::string("null"));
    out.push_back(line);
  }
  return out;
}

/// Flags as `RULE: EVIDENCE,...` in result order.
inline std::vector<std::string> flag_lines(const PupilResult& r) {
  std::vector<std::string> out;
  for (const Flag& f : r.flags) {
    std::string line = f.rule.substr(f.rule.find('/') + 1) + ":";
    for (std::size_t i = 0; i < f.evidence.size(); ++i) line += (i == 0 ? " " : ",") + f.evidence[i];
    out.push_back(line);
  }
  return out;
}

/// What one rule produced for a pupil: "flag", "none", or "due DEADLINE" ("due null").
inline std::string outcome(const PupilResult& r) {
  if (!r.flags.empty() && !r.due.empty()) return "flag and due";
  if (r.flags.size() > 1) return std::to_string(r.flags.size()) + " flags";
  if (r.due.size() > 1) return std::to_string(r.due.size()) + " due";
  if (r.flags.size() == 1) return "flag";
  if (r.due.size() == 1) return "due " + (r.due[0].deadline ? r.due[0].deadline->iso() : std::string("null"));
  return "none";
}

/// A rule `r` whose `when` is `condition` (after `params`, declarations before the rule).
inline std::string when_rule(const std::string& condition, const std::string& params = {}) {
  return params + "rule r \"t\"\n  when " + condition + "\n  suggest \"act\"\n";
}

/// What a rule with this `when` condition yields for the case as of a date.
inline std::string verdict(const std::string& condition, const std::string& case_yaml, const char* as_of,
                           const std::string& params = {}) {
  TestPack pack(when_rule(condition, params));
  return outcome(pack.evaluate(case_yaml, as_of));
}

/// The title of a flag whose title is `title`, raised by a rule that always holds
/// (`pupil.id is set`), optionally bound by `for_each`: interpolation as language.md §6 prints it.
inline std::string title_of(const std::string& title, const std::string& case_yaml, const char* as_of,
                            const std::string& for_each = {}, const std::string& params = {}) {
  TestPack pack(params + "rule r \"" + title + "\"\n" + (for_each.empty() ? "" : "  for each " + for_each + "\n") +
                "  when pupil.id is set\n  suggest \"act\"\n");
  const PupilResult r = pack.evaluate(case_yaml, as_of);
  if (r.flags.size() != 1) {
    ADD_FAILURE() << "expected one flag, got " << r.flags.size();
    return {};
  }
  return r.flags.front().title;
}

}  // namespace waymark::engine::testing
