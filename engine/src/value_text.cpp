#include "value_text.hpp"

namespace waymark::engine::detail {

std::string quote_text(std::string_view text) {
  constexpr std::size_t limit = 40;
  if (text.size() <= limit) return "'" + std::string(text) + "'";
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters only
  return "'" + std::string(text.substr(0, cut)) + "...'";
}

// Messages about a value never repeat it: the value may be a name or a UPN written in the wrong
// field or column (issue 10.3). They name the field; the diagnostic's position shows where.

std::optional<dsl::Date> parse_date(std::string_view text, std::string_view what, ValueError& error) {
  if (auto d = dsl::Date::parse_iso(text)) return d;
  error.code = "invalid-date";
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
  if (shaped) {
    error.message = "'" + std::string(what) + "' is not a real date: check the month and day";
  } else {
    error.message = "'" + std::string(what) + "' is a date: write it as YYYY-MM-DD, e.g. 2025-09-03";
  }
  return std::nullopt;
}

std::optional<FieldValue> parse_value(const dsl::FieldSpec& spec, std::string_view text, bool plain,
                                      ValueError& error) {
  const std::string& what = spec.name;
  switch (spec.type) {
    case dsl::FieldType::string: return std::string(text);
    case dsl::FieldType::date:
      if (auto d = parse_date(text, what, error)) return *d;
      return std::nullopt;
    case dsl::FieldType::boolean:
      if (plain && text == "true") return true;
      if (plain && text == "false") return false;
      error.code = "type-mismatch";
      error.message = plain ? "'" + what + "' is true or false"
                            : "'" + what + "' is true or false: write it without quotes (a quoted value is text)";
      return std::nullopt;
    case dsl::FieldType::number: {
      if (!plain) {
        error.code = "type-mismatch";
        error.message = "'" + what + "' is a number: write it without quotes (a quoted value is text)";
        return std::nullopt;
      }
      if (auto n = dsl::Rational::parse_decimal(text)) return *n;
      error.code = "type-mismatch";
      error.message = "'" + what + "' is a number: write digits with an optional decimal point, e.g. 3 or 2.5";
      return std::nullopt;
    }
    case dsl::FieldType::enumeration: {
      for (std::size_t i = 0; i < spec.values.size(); ++i) {
        if (spec.values[i] == text) return EnumValue{static_cast<std::uint32_t>(i)};
      }
      std::string list;
      for (const std::string& v : spec.values) list += (list.empty() ? "" : ", ") + v;
      error.code = "unknown-value";
      error.message = "'" + what + "' is one of " + list + dsl::did_you_mean(std::string(text), spec.values);
      return std::nullopt;
    }
    case dsl::FieldType::date_list: break;
  }
  error.code = "type-mismatch";
  error.message = "'" + what + "' is a list of dates";
  return std::nullopt;
}

}  // namespace waymark::engine::detail
