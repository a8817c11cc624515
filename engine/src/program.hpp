#pragma once
// Private to the engine: a checked pack compiled into evaluable nodes. Every name, field,
// parameter and duration is resolved here once, so evaluating a pupil never looks anything up.
// Conditions return three-valued Truth; a tracer (null when off) records explanations.

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/attendance.hpp"
#include "waymark/engine/calendar.hpp"
#include "waymark/engine/pupil.hpp"
#include "waymark/engine/result.hpp"
#include "waymark/engine/value.hpp"

namespace waymark::engine::detail {

/// A node of an explanation being recorded, with the records an atom selected (for evidence).
struct TraceNode {
  ExplanationNode node;
  std::vector<const Record*> selected;  // records chosen by `some` tests and aggregates
  std::vector<TraceNode> children;
};

/// Per-pupil evaluation state. One per thread, reset for each pupil.
struct Context {
  const Pupil* pupil = nullptr;
  dsl::Date today;
  DateWindow academic_year;  // today's, worked out once for the run
  std::span<const Record> records;  // those that exist as of today (language.md §5)
  const Calendar* calendar = nullptr;
  const AttendanceCodes* codes = nullptr;
  const dsl::Vocabulary* vocabulary = nullptr;
  const PupilLayout* layout = nullptr;
  std::vector<ItemRef> slots;  // bound items, by slot number
  /// Inside a `where` filter or an aggregate an open window simply does not hold (language.md §5).
  bool in_filter = false;
  /// Recording: the stack of trace nodes being filled (empty when not tracing).
  std::vector<TraceNode*> trace;
  /// Whether a trace is read as an explanation (its words and facts) or only for the records it
  /// selected (a flag's evidence, when the report prints no explanation).
  bool explain = true;

  /// The pupil's attendance counts already taken, by window and excluded codes: rules often ask the
  /// same question ("absence in this academic year" in two rules, twice in one). Cleared per pupil.
  struct Counted {
    dsl::Date from;
    dsl::Date to;
    const CodeSet* excluded;  // the measure's own set, or null
    AttendanceCounts counts;
  };
  std::vector<Counted> counted;

  bool tracing() const { return !trace.empty(); }
  /// Tracing for an explanation: only then are an explanation's words worth building.
  bool explaining() const { return explain && tracing(); }
  /// Adds a fact to the condition being explained; `words()` builds its text, and is called only when
  /// explaining: most evaluations are not traced, and a flag no report explains is traced only for
  /// its evidence.
  template <typename Words>
  void fact(Words&& words) {
    if (explaining()) trace.back()->node.facts.emplace_back(words());
  }
  void select(const Record* r) {
    if (tracing() && r != nullptr) trace.back()->selected.push_back(r);
  }
};

// ---------------------------------------------------------------------------------------------
// Expressions

class Expression {
public:
  virtual ~Expression() = default;
  virtual Value eval(Context& ctx) const = 0;
  std::string text;  // in the rule's own words, for explanations
};
using ExpressionPtr = std::unique_ptr<Expression>;

/// Adds a duration to a date: calendar days, clamped months, or school days (none beyond the calendar).
std::optional<dsl::Date> add_duration(const Context& ctx, dsl::Date date, const dsl::Duration& d, int sign);

// ---------------------------------------------------------------------------------------------
// Windows and collections

/// An inclusive date range; an absent bound is open.
struct DateRange {
  std::optional<dsl::Date> from;
  std::optional<dsl::Date> to;
  bool contains(dsl::Date d) const { return (!from || *from <= d) && (!to || d <= *to); }
};

struct WindowSpec {
  dsl::WindowKind kind = dsl::WindowKind::this_academic_year;
  ExpressionPtr duration;
  ExpressionPtr first;
  ExpressionPtr second;
  std::int64_t terms = 0;  // N of `in last N terms`
  std::string text;

  /// The range selected today; none when a bound is none or no term is found (selects nothing).
  std::optional<DateRange> resolve(Context& ctx) const;
  /// For `within D after T`: T (none: the window selects nothing) and T + D (none: beyond the calendar).
  struct Deadline {
    std::optional<dsl::Date> start;
    std::optional<dsl::Date> end;
  };
  Deadline after_window(Context& ctx) const;
};

class Condition;
using ConditionPtr = std::unique_ptr<Condition>;

/// What a quantifier ranges over, and the slot its items are bound to.
struct Collection {
  int record_kind = -1;            // a kind; -1 for a date list
  ExpressionPtr date_list_owner;   // for a date list: the pupil (null) or the item holding it
  int date_list_field = -1;        // field index in the owner (pupil attribute or record field)
  bool date_list_on_pupil = false;
  int slot = 0;
  ExpressionPtr about;   // X of `about X`: keeps the records whose `about` is X's id
  int about_field = -1;  // the kind's `about` field
  std::optional<WindowSpec> window;
  ConditionPtr filter;
  std::string text;      // "reduced_timetable rt"
  std::string kind;      // "reduced_timetable" or "plan.review_dates": an explanation's Binding
  std::string variable;  // "rt"; empty for an unnamed collection

  /// Calls `f(item)` for each item passing the window and filter, in anchor order; stops when f
  /// returns false. The item is bound in `slot` while f runs. Returns false when the window has a
  /// none bound (it selects nothing, and `no` over it does not hold: language.md §5).
  template <typename F>
  bool each(Context& ctx, F&& f, bool apply_window = true) const;
  /// " about S-2 (2025-10-06)" for explanations, or "" without `about`.
  std::string about_text(Context& ctx) const;
};

// ---------------------------------------------------------------------------------------------
// Conditions

class Condition {
public:
  virtual ~Condition() = default;
  /// Evaluates, recording a trace node when tracing.
  Truth test(Context& ctx, const char* joiner = "") const;
  std::string text;
  std::string location;

protected:
  virtual Truth evaluate(Context& ctx) const = 0;
};

// ---------------------------------------------------------------------------------------------
// Rules

/// A title or action text: plain runs and interpolated expressions.
struct TextTemplate {
  struct Part {
    std::string text;
    ExpressionPtr expr;
  };
  std::vector<Part> parts;
  std::string render(Context& ctx) const;
};

struct ActionProgram {
  bool notify = false;
  std::optional<std::int64_t> tier;
  TextTemplate text;  // suggest
  std::string role;   // notify
};

struct RuleProgram {
  std::string id;  // qualified
  std::string location;  // file:line
  TextTemplate title;
  std::string category;
  dsl::SeverityLevel severity = dsl::SeverityLevel::medium;
  std::optional<std::int64_t> tier;  // highest `suggest tier`
  std::vector<ActionProgram> actions;
  std::string cite;
  std::optional<Collection> for_each;
  ConditionPtr when;
  ConditionPtr unless;
  int slots = 1;
  bool needs_calendar = false;  // school days, terms or streaks: needs today covered
};

/// The evaluable pack; owns copies of everything it points into, except the caseload.
struct Program {
  PackIdentity identity;
  dsl::Vocabulary vocabulary;
  Calendar calendar;
  AttendanceCodes codes;
  PupilLayout layout;
  int tier_kind = -1;   // the `tier` kind and its `level` field, for `current tier`
  int tier_level = -1;
  std::vector<RuleProgram> rules;  // enabled rules, in pack order
  std::deque<std::string> strings;  // storage for literal and parameter strings
};

/// `current tier` of a pupil: the active tier episode with the latest start, then the greatest id.
const Record* current_tier_record(const Context& ctx, const Program& program);

}  // namespace waymark::engine::detail
