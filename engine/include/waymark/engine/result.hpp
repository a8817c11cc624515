#pragma once
// What an evaluation produces (language.md §6, §9): per pupil the flags, due entries and tiers, and
// for every flag the explanation an auditor reads. Rendered by the CLI as text, JSON or CSV.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/syntax_tree.hpp"
#include "waymark/engine/value.hpp"

namespace waymark::engine {

/// One condition of `when` or `unless` as evaluated: where it is written, what it compared, its result.
struct ExplanationNode {
  std::string joiner;    // "when", "unless", "and", "or", "not" or "" (how it hangs from its parent)
  std::string text;      // the condition in the rule's own words (canonical layout)
  std::string location;  // `file:line:col`
  Truth result;
  std::vector<std::string> facts;  // plain English: "attendance in this academic year is 75.0% (12 of 16 sessions)"
  std::vector<ExplanationNode> children;  // the operands of and/or/not, in order
};

/// The item one `for each` bound (language.md §6, §9), as data: renderers call binding_text, and
/// whoever needs the item (diff, the store's "same flag") reads `item`. Empty without `for each`.
struct Binding {
  std::string kind;      // the collection: "reduced_timetable", or "plan.review_dates" for a list of dates
  std::string variable;  // "rt"
  std::string item;      // the record's id, or the ISO date bound from a list of dates
  std::string summary;   // the record's dates, "started 2025-09-08, active"; empty for a date

  bool empty() const { return kind.empty(); }
  bool operator==(const Binding&) const = default;
};

/// The binding as every output prints it (language.md §9): "reduced_timetable rt -> RT-3 (started
/// 2025-09-08, active)", "plan.review_dates d -> 2025-10-01"; "" when empty.
std::string binding_text(const Binding& binding);

/// The inverse of binding_text, for explanations stored as text (the audit chain hashed that text,
/// so it cannot change): binding_text(*parse_binding(s)) == s for every s it accepts; nullopt when s
/// has no " -> ".
std::optional<Binding> parse_binding(std::string_view text);

/// Why a rule did (or did not) hold for one binding of one pupil.
struct Explanation {
  std::string rule;           // qualified id
  std::string rule_location;  // `file:line`
  std::string pupil;
  dsl::Date as_of;
  Binding binding;            // empty without for each
  std::optional<ExplanationNode> when;
  std::optional<ExplanationNode> unless;
  Truth result;               // yes: a flag; pending: a due entry
  std::vector<std::string> actions;  // "suggest tier 3: ..." / "notify la_inclusion"
  std::string cite;
};

/// A flag raised by one holding binding (language.md §6).
struct Flag {
  std::string rule;  // qualified `PACK/RULE-ID`
  std::string title;
  std::string category;
  dsl::SeverityLevel severity = dsl::SeverityLevel::medium;
  std::optional<std::int64_t> tier;
  std::vector<std::string> evidence;
  std::vector<std::string> actions;
  std::vector<std::string> notify;
  std::string cite;
  Explanation explanation;
};

/// A deadline not yet passed: what must happen before `deadline` to avoid the flag.
struct DueEntry {
  std::string rule;
  std::string title;
  std::vector<std::string> evidence;       // the bound item
  std::optional<dsl::Date> deadline;       // none: beyond the loaded calendar (listed last)
  std::vector<std::string> actions;
};

/// Everything evaluated for one pupil.
struct PupilResult {
  std::string id;
  std::int64_t current_tier = 0;              // 0: no active tier episode (JSON null)
  std::optional<std::int64_t> suggested_tier;
  std::vector<Flag> flags;
  std::vector<DueEntry> due;
};

/// The pack that produced a result, printed in every result (packs.md §1).
struct PackIdentity {
  std::string name;
  std::string version;
  std::string digest;
};

/// A whole run: as-of date, pack, and every pupil evaluated, sorted by id.
struct RunResult {
  dsl::Date as_of;
  PackIdentity pack;
  std::vector<PupilResult> pupils;
};

/// The word for a severity: low, medium, high, urgent (defined once, in the language layer).
using dsl::severity_name;

/// The explanation as an auditor reads it (language.md §9), with ✓ / ✗ / … marks.
std::string explanation_text(const Explanation& explanation, const PackIdentity& pack);

}  // namespace waymark::engine
