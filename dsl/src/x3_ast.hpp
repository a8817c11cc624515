#pragma once
// What the grammar's rules produce before they become syntax-tree nodes, the state of one parse,
// and the one entry point into the grammar. Plain C++: parse.cpp and lower.cpp include it without
// seeing Spirit; grammar.cpp is the only translation unit that compiles the grammar.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lexer.hpp"
#include "waymark/dsl/syntax_tree.hpp"

namespace waymark::dsl::grammar {

/// An operand: an expression, or `( ... )` not yet known to be an expression or a condition.
/// language.md §4 lets parentheses group both; deciding from where the group is used, instead of
/// trying both readings, keeps parsing linear however deep the parentheses go.
struct Operand {
  ExprPtr expr;         // set for an expression
  ConditionPtr group;   // set for a parenthesised group, whose parentheses `span` covers
  Span span;
};

/// `+ X` or `- X` after the first operand of an arithmetic chain.
struct ArithmeticTail {
  ArithmeticOp op = ArithmeticOp::plus;
  Span operator_span;
  Operand rhs;
};

/// `and X` or `or X` after the first operand of a logical chain.
struct LogicTail {
  Span keyword;
  ConditionPtr operand;
};

/// `not not ... X`: the keywords and the condition they negate.
struct NotChain {
  std::vector<Span> nots;
  ConditionPtr operand;
};

/// An atom before lowering: `EXPR [suffix]`, where the suffix (comparison, `in`, `is`, age test) is
/// a condition whose subject is still empty.
struct Atom {
  Operand subject;
  ConditionPtr suffix;
};

/// A comparison operator and where it is.
struct CompareToken {
  CompareOp op = CompareOp::eq;
  Span span;
};

/// `+` or `-` and where it is.
struct ArithmeticToken {
  ArithmeticOp op = ArithmeticOp::plus;
  Span span;
};

/// The word after `is` / `is not`, or `about X` (version 2).
struct IsWord {
  IsKind kind = IsKind::none;
  std::optional<Name> value;
  ExprPtr about;  // X of `is about X`
  Span span;      // the word (for `about X`, the keyword `about`)
  Span end;       // the end of the test's last token
};

/// `about X` after a collection (version 2): the keyword and X.
struct AboutClause {
  Span keyword;
  ExprPtr target;
};

/// An attendance code list `[N]`, `[C2, E]` (version 2), as written.
struct CodeList {
  std::vector<Name> codes;
  Span span;
};

/// The whole number after `suggest tier`, or N of `in last N terms`.
struct TierNumber {
  std::int64_t value = 0;
  Span span;
};

/// `when CONDITION` or `unless CONDITION`.
struct Clause {
  Span keyword;
  ConditionPtr condition;
};

/// Everything of a rule after its `when` clause.
struct RuleTail {
  std::optional<Clause> unless;
  std::vector<Action> actions;
  std::optional<Literal> cite;
};

/// How far a rule header got, so that "expected 'when' or a clause ..." lists only the clauses still allowed.
enum class ClausePhase { title, category, severity, for_each };

/// An expectation failure whose `which` is this marker carries its problem in ParseState::hard.
inline constexpr const char* hard_error_marker = "\x01";

/// The state of one parse, reached from every rule through the X3 context.
struct ParseState {
  std::string_view text;                       // the whole file
  const std::vector<Comment>* comments = nullptr;  // for "after 'X'": comments are skipped
  int depth = 0;                               // nesting levels open (language.md §2: at most 100)
  ClausePhase phase = ClausePhase::title;
  bool in_rule = false;                        // inside a `rule` declaration (for clause-order messages)
  std::optional<lexer::Problem> hard;          // a problem found by a token parser or a check, being thrown
  std::optional<lexer::Problem> error;         // the declaration's syntax error, once reported

  const char* base() const { return text.data(); }
};

/// Turns an expectation failure at `where` (`which` names what was expected) into the declaration's error.
void report_expectation(ParseState& state, std::size_t where, const std::string& which);

/// Parses one declaration at `pos` (after blanks). True with `out` set and `pos` after it; false with
/// `state.error` set. Defined in grammar.cpp, the grammar's only translation unit.
bool parse_declaration(ParseState& state, std::size_t& pos, Declaration& out);

}  // namespace waymark::dsl::grammar
