// Parameter overrides from pack.yaml, read with the literal syntax of the declared type (packs.md §1).

#include <cctype>

#include "check_internal.hpp"

namespace waymark::dsl::detail {
namespace {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  const auto end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

std::optional<Duration> parse_duration(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 9) return std::nullopt;
  const std::int64_t count = std::stoll(text.substr(0, i));
  std::string unit = trim(text.substr(i));
  // Collapse the space in "school days".
  if (unit.rfind("school", 0) == 0) {
    const std::string rest = trim(unit.substr(6));
    if (unit.size() == 6 || (unit[6] != ' ' && unit[6] != '\t')) return std::nullopt;
    if (rest == "day" || rest == "days") return Duration{count, DurationUnit::school_day};
    if (rest == "week" || rest == "weeks") return Duration{count, DurationUnit::school_week};
    return std::nullopt;
  }
  if (unit == "day" || unit == "days") return Duration{count, DurationUnit::day};
  if (unit == "week" || unit == "weeks") return Duration{count, DurationUnit::week};
  if (unit == "month" || unit == "months") return Duration{count, DurationUnit::month};
  if (unit == "year" || unit == "years") return Duration{count, DurationUnit::year};
  return std::nullopt;
}

std::optional<std::string> parse_string(const std::string& text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return text;
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\\') {
      if (i + 2 >= text.size() || (text[i + 1] != '"' && text[i + 1] != '\\')) return std::nullopt;
      out += text[++i];
    } else if (text[i] == '"') {
      return std::nullopt;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::optional<LiteralValue> parse_override(const std::string& raw, bool quoted, const LiteralValue& declared) {
  const std::string text = trim(raw);
  switch (declared.index()) {
    case 0:  // boolean
      if (quoted) return std::nullopt;
      if (text == "true") return LiteralValue{true};
      if (text == "false") return LiteralValue{false};
      return std::nullopt;
    case 1:  // number
      if (auto r = Rational::parse_decimal(text); r && !quoted) return LiteralValue{*r};
      return std::nullopt;
    case 2:  // percent
      if (text.size() < 2 || text.back() != '%') return std::nullopt;
      if (auto r = Rational::parse_decimal(text.substr(0, text.size() - 1))) return LiteralValue{Percent{*r}};
      return std::nullopt;
    case 3:  // date
      if (auto d = Date::parse_iso(text)) return LiteralValue{*d};
      return std::nullopt;
    case 4:  // duration
      if (auto d = parse_duration(text)) return LiteralValue{*d};
      return std::nullopt;
    default:  // string
      if (quoted) return LiteralValue{raw};
      if (auto s = parse_string(text)) return LiteralValue{*s};
      return std::nullopt;
  }
}

}  // namespace waymark::dsl::detail
