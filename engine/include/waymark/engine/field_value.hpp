#pragma once
// The typed value of one pupil attribute or record field, as loaded from case records.
// Stored in vectors aligned with the vocabulary's field lists, so the evaluator never looks up a name.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/rational.hpp"
#include "waymark/dsl/vocabulary.hpp"

namespace waymark::engine {

/// An enum field's value: its index into FieldSpec::values.
struct EnumValue {
  std::uint32_t index = 0;
  friend bool operator==(const EnumValue&, const EnumValue&) = default;
};

/// A date list, sorted ascending (duplicates kept as written).
using DateList = std::vector<dsl::Date>;

/// None (std::monostate), boolean, number, string, date, enum value or date list.
using FieldValue = std::variant<std::monostate, bool, dsl::Rational, std::string, dsl::Date, EnumValue, DateList>;

/// True when the value is none.
inline bool is_none(const FieldValue& value) { return std::holds_alternative<std::monostate>(value); }

/// The value of a field that was not written: false for booleans, the enum's default, an empty
/// date list, otherwise none (case-records.md §2).
FieldValue default_value(const dsl::FieldSpec& spec);

}  // namespace waymark::engine
