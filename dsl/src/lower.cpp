#include "lower.hpp"

#include <utility>

namespace waymark::dsl::grammar {
namespace {

Span join(Span a, Span b) { return Span{a.begin, b.end}; }

ExprPtr expr_ptr(Expr&& e) { return std::make_unique<Expr>(std::move(e)); }

// A parenthesised group read as an expression: it must hold a bare expression, possibly in further
// parentheses (`((a + b))`), which become ParenthesisedExpr so that formatting never changes the tree.
ExprPtr group_as_expression(Condition&& inner, Span parens) {
  if (auto* truth = std::get_if<Truth>(&inner.node)) {
    return expr_ptr(Expr{ParenthesisedExpr{std::move(truth->value), parens}});
  }
  if (auto* nested = std::get_if<ParenthesisedCondition>(&inner.node)) {
    const Span nested_span = nested->span;
    ExprPtr value = group_as_expression(std::move(*nested->inner), nested_span);
    return expr_ptr(Expr{ParenthesisedExpr{std::move(value), parens}});
  }
  throw SyntaxError{{parens.begin, parens.begin + 1u,
                     "expected an expression in these parentheses, not a condition: a condition has no value here"}};
}

}  // namespace

Operand operand_of(Expr&& expr) {
  Operand out;
  out.span = span_of(expr);
  out.expr = expr_ptr(std::move(expr));
  return out;
}

ExprPtr as_expression(Operand&& operand) {
  if (operand.expr) return std::move(operand.expr);
  return group_as_expression(std::move(*operand.group), operand.span);
}

Operand make_arithmetic(Operand&& lhs, ArithmeticTail&& tail) {
  ExprPtr left = as_expression(std::move(lhs));
  ExprPtr right = as_expression(std::move(tail.rhs));
  const Span span = join(span_of(*left), span_of(*right));
  return operand_of(Expr{Arithmetic{tail.op, std::move(left), std::move(right), tail.operator_span, span}});
}

ConditionPtr make_logical(ConditionPtr&& lhs, LogicOp op, LogicTail&& tail) {
  // Operands of a chain are never bare chains of the same operator (those need parentheses), so a
  // Logical of `op` on the left is the chain being built.
  auto* chain = std::get_if<Logical>(&lhs->node);
  if (chain == nullptr || chain->op != op) {
    Logical fresh;
    fresh.op = op;
    fresh.span = span_of(*lhs);
    fresh.operands.push_back(std::move(lhs));
    lhs = condition_of(std::move(fresh));
    chain = std::get_if<Logical>(&lhs->node);
  }
  chain->span.end = span_of(*tail.operand).end;
  chain->operator_spans.push_back(tail.keyword);
  chain->operands.push_back(std::move(tail.operand));
  return std::move(lhs);
}

ConditionPtr make_not(NotChain&& chain) {
  ConditionPtr out = std::move(chain.operand);
  for (auto it = chain.nots.rbegin(); it != chain.nots.rend(); ++it) {
    const Span span = join(*it, span_of(*out));
    out = condition_of(Not{std::move(out), span});
  }
  return out;
}

ConditionPtr with_subject(ConditionPtr&& suffix, ExprPtr&& subject) {
  const Span subject_span = span_of(*subject);
  std::visit(
      [&](auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, Comparison>) {
          node.lhs = std::move(subject);
        } else if constexpr (std::is_same_v<T, InList> || std::is_same_v<T, InRange> || std::is_same_v<T, IsTest> ||
                             std::is_same_v<T, AgeTest>) {
          node.subject = std::move(subject);
        }
        node.span.begin = subject_span.begin;
      },
      suffix->node);
  return std::move(suffix);
}

ConditionPtr make_atom(Atom&& atom) {
  if (atom.suffix) return with_subject(std::move(atom.suffix), as_expression(std::move(atom.subject)));
  if (atom.subject.group) return parenthesised_condition(std::move(atom.subject));
  const Span span = atom.subject.span;
  return condition_of(Truth{std::move(atom.subject.expr), span});
}

ConditionPtr parenthesised_condition(Operand&& group) {
  return condition_of(ParenthesisedCondition{std::move(group.group), group.span});
}

}  // namespace waymark::dsl::grammar
