#include "waymark/dsl/syntax_tree.hpp"

namespace waymark::dsl {

Span span_of(const Expr& expr) {
  return std::visit(
      [](const auto& node) -> Span {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, NameRef>) {
          return node.name.span;
        } else {
          return node.span;
        }
      },
      expr.node);
}

Span span_of(const Condition& condition) {
  return std::visit([](const auto& node) { return node.span; }, condition.node);
}

}  // namespace waymark::dsl
