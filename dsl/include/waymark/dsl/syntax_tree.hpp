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

enum class DurationUnit { day, school_day, week, month, year };

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
};

/// The time filter of a collection or attendance measure (language.md §5).
struct Window {
  WindowKind kind = WindowKind::this_academic_year;
  ExprPtr duration;  // D of within_last / within_after / within_before
  ExprPtr first;     // T of after / before / within_after / within_before; A of between
  ExprPtr second;    // B of between
  Span span;
};

/// What a quantifier ranges over: a kind (`suspension`, `suspensions`) or a date list (`rt.reviews`).
struct CollectionSource {
  Name name;                  // the kind as written, or the root of a date-list path
  std::optional<Name> field;  // the date-list field when written as a path
  Span span;
};

/// The shared tail of `for each`, `some`, `no` and aggregates: `COLLECTION [VAR] [WINDOW] [where FILTER]`.
struct Quantified {
  CollectionSource source;
  std::optional<Name> variable;
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
};

/// An attendance measure (language.md §7); streaks take no window.
struct Measure {
  MeasureKind kind = MeasureKind::attendance;
  std::optional<Window> window;  // absent: in this academic year
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
  std::variant<Literal, Today, NameRef, Path, AgeOf, Aggregate, Measure, CurrentTier, Arithmetic, ParenthesisedExpr>
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

enum class IsKind { none, set, active, value };

/// `EXPR is [not] none|set|active|IDENT`.
struct IsTest {
  ExprPtr subject;
  bool negated = false;
  IsKind kind = IsKind::none;
  std::optional<Name> value;  // for IsKind::value
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
/// The word for a severity, as written in rules and printed in every report (its one home).
const char* severity_name(SeverityLevel level);

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
