#pragma once
// The plain syntax tree of a `.wmk` rule file (language.md §3-4): what the parser produces and
// the checker, formatter and compiler read. No Spirit types here; every node has its Span.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/rational.hpp"
#include "waymark/dsl/source.hpp"

namespace waymark::dsl {

/// A name as written (identifier, kind, field, role, category, enum value or rule id) and where.
struct Name {
  std::string text;
  Span span;
};

// ---------------------------------------------------------------------------------------------
// Literal values

/// Duration units (language.md §2); `school_week` from version 2: a week (Monday to Sunday) with at
/// least one school day.
enum class DurationUnit { day, school_day, week, month, year, school_week };

/// A whole number of a unit: `4 weeks`, `5 school days`.
struct Duration {
  std::int64_t count = 0;
  DurationUnit unit = DurationUnit::day;
  friend bool operator==(const Duration&, const Duration&) = default;
};

/// A percentage as its number of points: 90% is {90}; 12.5% is {25/2}.
struct Percent {
  Rational points;
  friend bool operator==(const Percent&, const Percent&) = default;
};

/// The value of a literal: boolean, number, percent, date, duration or (unescaped) string.
using LiteralValue = std::variant<bool, Rational, Percent, Date, Duration, std::string>;

/// A literal; `text` is exactly as written (quotes and escapes included for strings) so that
/// the formatter prints it unchanged.
struct Literal {
  LiteralValue value;
  std::string text;
  Span span;
};

// ---------------------------------------------------------------------------------------------
// Expressions (language.md §4)

struct Expr;
struct Condition;
using ExprPtr = std::unique_ptr<Expr>;
using ConditionPtr = std::unique_ptr<Condition>;

/// `today`: the as-of date.
struct Today {
  Span span;
};

/// A lone name: a parameter, a bound variable, or a kind standing for the current item.
struct NameRef {
  Name name;
};

/// `pupil.FIELD` or `VAR.FIELD` (the root may also be a kind name standing for the current item).
struct Path {
  Name root;   // "pupil", a variable, or a kind
  Name field;  // any name, keywords included (`p.start`, `pupil.age`)
  Span span;
};

/// `age of X`: the duration from X (a date or an item's anchor) to today.
struct AgeOf {
  ExprPtr operand;
  Span span;
};

enum class WindowKind {
  within_last,             // within last D
  within_after,            // within D after T
  within_before,           // within D before T
  after,                   // after T
  before,                  // before T
  between,                 // between A and B
  this_term,               // in this term
  previous_term,           // in previous term
  this_academic_year,      // in this academic year
  previous_academic_year,  // in previous academic year
  last_terms,              // in last N terms (version 2): from the start of the (N-1)th term before this one
  term_of,                 // in term of X (version 2): the term containing X's anchor
};

/// The time filter of a collection or attendance measure (language.md §5).
struct Window {
  WindowKind kind = WindowKind::this_academic_year;
  ExprPtr duration;  // D of within_last / within_after / within_before
  ExprPtr first;     // T of after / before / within_after / within_before; A of between; X of term_of
  ExprPtr second;    // B of between
  std::int64_t terms = 0;  // N of last_terms
  Span terms_span;         // where N is written
  Span span;
};

/// What a quantifier ranges over: a kind (`suspension`, `suspensions`) or a date list (`rt.reviews`).
struct CollectionSource {
  Name name;                  // the kind as written, or the root of a date-list path
  std::optional<Name> field;  // the date-list field when written as a path
  Span span;
};

/// The shared tail of `for each`, `some`, `no` and aggregates:
/// `COLLECTION [VAR] [about X] [WINDOW] [where FILTER]` (`about` from version 2; not in `for each`).
struct Quantified {
  CollectionSource source;
  std::optional<Name> variable;
  ExprPtr about;     // X of `about X`: a bound item the records must be about (case-records.md §2.1)
  Span about_span;   // the keyword `about`
  std::optional<Window> window;
  ConditionPtr filter;  // null when there is no `where`; a Truth, IsTest or Parenthesised node
  Span span;
};

enum class AggregateOp { count, total, max, min };

/// `count of C ...` or `total|max|min FIELD of C ...`.
struct Aggregate {
  AggregateOp op = AggregateOp::count;
  std::optional<Name> field;  // absent for count
  Quantified over;
  Span span;
};

enum class MeasureKind {
  attendance,
  absence,
  unauthorised_absence,
  sessions_missed,
  absence_streak,
  unauthorised_absence_streak,
  // Version 2: attendance by code (the codes are the vocabulary's, case-records.md §4).
  sessions_coded,         // sessions coded [CODES]
  days_coded,             // days coded [CODES]: the sessions / 2
  first_day_coded,        // first day coded [CODES]: a date
  last_day_coded,         // last day coded [CODES]: a date
  possible_sessions,      // possible sessions
  unauthorised_sessions,  // unauthorised sessions
};

/// An attendance code in a code list (`N`, `C2`, `/`), as written.
using CodeName = Name;

/// An attendance measure (language.md §7); streaks take no window. `codes` holds the list of a
/// `... coded [CODES]` measure, or with `excluding` the codes left out of a percentage or count.
struct Measure {
  MeasureKind kind = MeasureKind::attendance;
  std::vector<CodeName> codes;
  bool excluding = false;  // `absence excluding [C2, E]`
  Span codes_span;         // the list, brackets included
  std::optional<Window> window;  // absent: in this academic year
  Span span;
};

enum class TermBound { start, end };
enum class TermChoice { this_term, previous_term, term_of };

/// `start of this term`, `end of previous term`, `start of term of X` (version 2): a date, none when no
/// loaded term applies.
struct TermDate {
  TermBound bound = TermBound::start;
  TermChoice term = TermChoice::this_term;
  ExprPtr of;  // X of `term of X`
  Span span;
};

/// `current tier` or `current tier start`.
struct CurrentTier {
  bool start = false;
  Span span;
};

enum class ArithmeticOp { plus, minus };

struct Arithmetic {
  ArithmeticOp op = ArithmeticOp::plus;
  ExprPtr lhs;
  ExprPtr rhs;
  Span operator_span;
  Span span;
};

/// An expression in parentheses, kept so that formatting never changes the tree.
struct ParenthesisedExpr {
  ExprPtr inner;
  Span span;
};

struct Expr {
  std::variant<Literal, Today, NameRef, Path, AgeOf, Aggregate, Measure, CurrentTier, Arithmetic, ParenthesisedExpr,
               TermDate>
      node;
};

// ---------------------------------------------------------------------------------------------
// Conditions (language.md §4)

enum class LogicOp { and_, or_ };

/// An `and` chain or an `or` chain of two or more operands (kept flat, as the formatter prints it).
struct Logical {
  LogicOp op = LogicOp::and_;
  std::vector<ConditionPtr> operands;
  std::vector<Span> operator_spans;  // operands.size() - 1 keywords
  Span span;
};

struct Not {
  ConditionPtr operand;
  Span span;
};

enum class CompareOp { lt, le, gt, ge, eq, ne };

struct Comparison {
  CompareOp op = CompareOp::eq;
  ExprPtr lhs;
  ExprPtr rhs;
  Span operator_span;
  Span span;
};

/// An element of `in [...]`: a literal, or a name (an enum value).
using ListItem = std::variant<Literal, Name>;

/// `EXPR in [LIT, ...]`.
struct InList {
  ExprPtr subject;
  std::vector<ListItem> items;
  Span span;
};

/// `EXPR in N..M` (whole numbers, inclusive).
struct InRange {
  ExprPtr subject;
  Literal low;
  Literal high;
  Span span;
};

enum class IsKind { none, set, active, value, about };

/// `EXPR is [not] none|set|active|IDENT`, or `VAR is [not] about X` (version 2).
struct IsTest {
  ExprPtr subject;
  bool negated = false;
  IsKind kind = IsKind::none;
  std::optional<Name> value;  // for IsKind::value
  ExprPtr about;              // for IsKind::about: X, a bound item
  Span keyword_span;          // the word after `is` / `is not`
  Span span;
};

/// A bare boolean: `m.restorative`, `pupil.looked_after`.
struct Truth {
  ExprPtr value;
  Span span;
};

/// `X older than D` (older) or `X within last D` (not older).
struct AgeTest {
  bool older = true;
  ExprPtr subject;
  ExprPtr duration;
  Span span;
};

/// `some C ...` or `no C ...`.
struct Exists {
  bool some = true;
  Quantified over;
  Span span;
};

struct ParenthesisedCondition {
  ConditionPtr inner;
  Span span;
};

struct Condition {
  std::variant<Logical, Not, Comparison, InList, InRange, IsTest, Truth, AgeTest, Exists, ParenthesisedCondition> node;
};

// ---------------------------------------------------------------------------------------------
// Text with interpolations (titles and `suggest` texts, language.md §6)

/// A run of plain text (escapes and `{{`/`}}` already resolved) or one `{expr}`.
struct TextPart {
  std::string text;  // when expr is null
  ExprPtr expr;      // the interpolated expression
  Span span;
};

struct Text {
  std::vector<TextPart> parts;
  std::string source;  // the string token exactly as written, quotes included
  Span span;
};

// ---------------------------------------------------------------------------------------------
// Declarations (language.md §3)

/// `param NAME = LITERAL ["description"]`.
struct Param {
  Name name;
  Literal value;
  std::optional<Literal> description;  // a string literal
  Span span;
};

enum class SeverityLevel { low, medium, high, urgent };

struct SeverityClause {
  SeverityLevel level = SeverityLevel::medium;
  Span span;  // the level word
};

/// `suggest [tier N] "text"`.
struct Suggest {
  std::optional<std::int64_t> tier;
  Span tier_span;  // the number N
  Text text;
  Span span;
};

/// `notify ROLE`.
struct Notify {
  Name role;
  Span span;
};

using Action = std::variant<Suggest, Notify>;

/// `for each KIND VAR [WINDOW] [where FILTER]`.
struct ForEach {
  Quantified binding;  // variable always present
  Span span;
};

struct Rule {
  Name id;
  Text title;
  std::optional<Name> category;
  std::optional<SeverityClause> severity;
  std::optional<ForEach> for_each;
  ConditionPtr when;
  Span when_span;  // the keyword
  ConditionPtr unless;
  Span unless_span;
  std::vector<Action> actions;
  std::optional<Literal> cite;  // a string literal
  Span span;
};

using Declaration = std::variant<Param, Rule>;

/// A `#` comment, kept for the formatter.
struct Comment {
  std::string text;  // from `#` to the end of the line, line break excluded
  Span span;
};

/// One parsed `.wmk` file. Declarations that had a syntax error are left out.
struct RuleFile {
  FileId file = no_file;
  std::vector<Declaration> declarations;
  std::vector<Comment> comments;
};

/// The source range of any expression or condition node.
Span span_of(const Expr& expr);
Span span_of(const Condition& condition);

}  // namespace waymark::dsl
