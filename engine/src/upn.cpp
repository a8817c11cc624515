#include "waymark/engine/upn.hpp"

namespace waymark::engine {
namespace {

// statutory-facts.md §6: the check-letter table; I, O and S are never used.
constexpr std::string_view check_letters = "ABCDEFGHJKLMNPQRTUVWXYZ";

int letter_value(char c) {
  const auto at = check_letters.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<char> upn_check_letter(std::string_view upn) {
  if (upn.size() != 13) return std::nullopt;
  int sum = 0;
  for (std::size_t i = 1; i < 13; ++i) {
    const char c = upn[i];
    int value = 0;
    if (is_digit(c)) {
      value = c - '0';
    } else if (i == 12 && letter_value(c) >= 0) {
      value = letter_value(c);  // a temporary UPN: the final letter counts as its table value
    } else {
      return std::nullopt;
    }
    // Positions are 1-based: the character at index i is at position i + 1 (2..13).
    sum += value * static_cast<int>(i + 1);
  }
  return check_letters[static_cast<std::size_t>(sum % 23)];
}

UpnProblem check_upn(std::string_view upn) {
  if (upn.size() != 13) return UpnProblem::length;
  if (letter_value(upn[0]) < 0) return UpnProblem::characters;
  const auto expected = upn_check_letter(upn);
  if (!expected) return UpnProblem::characters;
  return *expected == upn[0] ? UpnProblem::none : UpnProblem::check_letter;
}

bool is_temporary_upn(std::string_view upn) { return upn.size() == 13 && !is_digit(upn[12]); }

std::string_view describe(UpnProblem problem) {
  switch (problem) {
    case UpnProblem::none: return "is valid";
    case UpnProblem::length: return "is not 13 characters long";
    case UpnProblem::characters:
      return "is not a check letter, 11 digits and a digit or letter (a temporary UPN ends with a letter; "
             "I, O and S are never used)";
    case UpnProblem::check_letter: return "has the wrong check letter";
  }
  return "is not valid";
}

std::string redact_upn(std::string_view upn) {
  // case-records.md §5: the first four characters and nine asterisks, whatever the length.
  return std::string(upn.substr(0, 4)) + "*********";
}

}  // namespace waymark::engine
