#pragma once
// The first compile stage: `.wmk` text -> syntax tree (language.md §2-4), with syntax diagnostics.
// Boost.Spirit X3 is used behind this header only (dsl/src/grammar*.{hpp,cpp}).

#include <string>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/syntax_tree.hpp"

namespace waymark::dsl {

/// Parses one rule file. Every syntax error becomes a `syntax` diagnostic; after one, parsing
/// resumes at the next line starting with `rule` or `param` (language.md §8), so the result holds
/// every declaration that parsed. Never throws for any input.
RuleFile parse(const SourceSet& sources, FileId file, Diagnostics& diagnostics);

/// The tree as an S-expression without source positions, for tests: equal trees print equally.
std::string dump(const RuleFile& file);
std::string dump(const Expr& expr);
std::string dump(const Condition& condition);

}  // namespace waymark::dsl
