#pragma once
// Lowering: the grammar's intermediate values (x3_ast.hpp) become syntax-tree nodes. The grammar's
// semantic actions call these as each production completes; they decide what a parenthesised group
// is (language.md §4) and give every node its source span.

#include "x3_ast.hpp"

namespace waymark::dsl::grammar {

/// A syntax error found while lowering; the grammar rethrows it as an expectation failure.
struct SyntaxError {
  lexer::Problem problem;
};

/// Wraps a finished expression node as an operand.
Operand operand_of(Expr&& expr);
/// The operand as an expression; a parenthesised group must hold an expression (else SyntaxError).
ExprPtr as_expression(Operand&& operand);
/// `lhs + rhs` / `lhs - rhs`, left-associative.
Operand make_arithmetic(Operand&& lhs, ArithmeticTail&& tail);

/// Appends `op tail` to a flat chain of that operator (language.md §4: and/or chains are kept flat).
ConditionPtr make_logical(ConditionPtr&& lhs, LogicOp op, LogicTail&& tail);
/// `not not ... X`.
ConditionPtr make_not(NotChain&& chain);
/// An atom: a lone parenthesised group is a parenthesised condition, a lone expression a bare
/// boolean, and an expression with a suffix the suffix's test on it.
ConditionPtr make_atom(Atom&& atom);
/// Gives a suffix condition (comparison, `in`, `is`, age test) its subject and widens its span.
ConditionPtr with_subject(ConditionPtr&& suffix, ExprPtr&& subject);
/// The `where (...)` filter: the group as a parenthesised condition.
ConditionPtr parenthesised_condition(Operand&& group);

/// Wraps any condition node.
template <typename Node>
ConditionPtr condition_of(Node&& node) {
  return std::make_unique<Condition>(Condition{std::forward<Node>(node)});
}

}  // namespace waymark::dsl::grammar
