#pragma once
// Pieces of the checker shared between its translation units (check.cpp, lint.cpp, override.cpp).

#include <optional>
#include <string>

#include "waymark/dsl/check.hpp"

namespace waymark::dsl::detail {

/// Reads a manifest's override text with the literal syntax of the declared value's type
/// (packs.md §1: `4 weeks`, `12.5%`, `2025-09-01`, `"text"`); nothing when it is not of that type.
std::optional<LiteralValue> parse_override(const std::string& text, bool quoted, const LiteralValue& declared);

/// The warnings of language.md §8 that need types: unused parameters, `not` over an unguarded
/// optional comparison, and conditions that can never hold.
void lint(const RulePack& pack, const SourceSet& sources, const CheckedPack& checked, Diagnostics& diagnostics);

/// A canonical text of an expression, equal for expressions that read the same value.
std::string expression_key(const Expr& expr);

}  // namespace waymark::dsl::detail
