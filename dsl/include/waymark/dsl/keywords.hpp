#pragma once
// The reserved words of the rule language (language.md §2), shared by parser, checker and formatter.

#include <string_view>

namespace waymark::dsl {

/// True for a keyword of language.md §2: it cannot name a variable, a parameter or a rule.
bool is_keyword(std::string_view word);
/// True for the unit words (`day`, `weeks`, `school`, ...) that cannot name a parameter or variable.
bool is_unit_word(std::string_view word);

}  // namespace waymark::dsl
