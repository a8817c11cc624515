#include "waymark/dsl/syntax_tree.hpp"

namespace waymark::dsl {

const char* severity_name(SeverityLevel level) {
  switch (level) {
    case SeverityLevel::low: return "low";
    case SeverityLevel::medium: return "medium";
    case SeverityLevel::high: return "high";
    case SeverityLevel::urgent: return "urgent";
  }
  return "medium";
}


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
