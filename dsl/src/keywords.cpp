#include "waymark/dsl/keywords.hpp"

#include <algorithm>
#include <array>

namespace waymark::dsl {

bool is_keyword(std::string_view word) {
  // `about` from version 2 (language-v2: the `about X` qualifier and `is about X`).
  static constexpr std::array<std::string_view, 54> words{
      "param", "rule", "category", "severity", "for", "each", "in", "where",
      "when", "unless", "suggest", "tier", "notify", "cite", "and", "or",
      "not", "no", "some", "count", "total", "max", "min", "of",
      "within", "last", "after", "before", "between", "older", "than", "is",
      "none", "set", "active", "attendance", "absence", "unauthorised", "streak", "sessions",
      "missed", "this", "academic", "year", "term", "previous", "current", "start",
      "today", "pupil", "true", "false", "age", "about"};
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool is_unit_word(std::string_view word) {
  static constexpr std::array<std::string_view, 9> words{"day",   "days",   "week", "weeks", "month",
                                                         "months", "year", "years", "school"};
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace waymark::dsl
