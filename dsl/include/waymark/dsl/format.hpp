#pragma once
// The canonical layout of a rule file (language.md §10), used by `waymark fmt`.

#include <string>

#include "waymark/dsl/syntax_tree.hpp"

namespace waymark::dsl {

/// The file in canonical layout, comments kept. Only for a file that parsed without errors
/// (declarations with syntax errors are not in the tree). Idempotent, and never changes the tree.
std::string format(const RuleFile& file, const SourceFile& source);

/// One expression or condition printed on one line, as the formatter prints it (also used in
/// explanations, so that an auditor reads the rule's own words).
std::string format_expression(const Expr& expr, const SourceFile& source);
std::string format_condition(const Condition& condition, const SourceFile& source);

}  // namespace waymark::dsl
