#pragma once
// Private to the loaders: turning the text of a YAML scalar or a CSV cell into a typed FieldValue,
// with the message that tells a data manager what to write instead.

#include <optional>
#include <string>
#include <string_view>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/field_value.hpp"

namespace waymark::engine::detail {

/// A value that could not be read: a stable code and a message.
struct ValueError {
  std::string code;
  std::string message;
};

/// The text quoted for a message, shortened so that a pasted paragraph stays readable.
std::string quote_text(std::string_view text);
/// Reads an ISO date named `what` in messages.
std::optional<dsl::Date> parse_date(std::string_view text, std::string_view what, ValueError& error);
/// Reads a value of `spec` (not a date list). `plain` is false for a quoted YAML scalar: numbers and
/// booleans must then be written without quotes, since YAML reads a quoted value as text.
std::optional<FieldValue> parse_value(const dsl::FieldSpec& spec, std::string_view text, bool plain,
                                      ValueError& error);

}  // namespace waymark::engine::detail
