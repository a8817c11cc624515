#include "waymark/engine/record.hpp"

#include <algorithm>

#include "waymark/dsl/vocabulary.hpp"

namespace waymark::engine {

FieldValue default_value(const dsl::FieldSpec& spec) {
  // case-records.md §2: booleans default to false; other absent optional fields are none.
  switch (spec.type) {
    case dsl::FieldType::boolean: return false;
    case dsl::FieldType::date_list: return DateList{};
    case dsl::FieldType::enumeration:
      if (spec.default_value) {
        const auto at = std::find(spec.values.begin(), spec.values.end(), *spec.default_value);
        if (at != spec.values.end()) return EnumValue{static_cast<std::uint32_t>(at - spec.values.begin())};
      }
      return std::monostate{};
    default: break;
  }
  if (spec.default_value && spec.type == dsl::FieldType::number) {
    if (auto n = dsl::Rational::parse_decimal(*spec.default_value)) return *n;
  }
  if (spec.default_value && spec.type == dsl::FieldType::string) return *spec.default_value;
  if (spec.default_value && spec.type == dsl::FieldType::date) {
    if (auto d = dsl::Date::parse_iso(*spec.default_value)) return *d;
  }
  return std::monostate{};
}

std::optional<dsl::Date> Record::end() const {
  if (shape != dsl::KindShape::episode || fields.size() <= end_field) return std::nullopt;
  if (const auto* d = std::get_if<dsl::Date>(&fields[end_field])) return *d;
  return std::nullopt;
}

std::optional<dsl::Date> date_at(const FieldValue& value, dsl::Date as_of) {
  // language.md §5: a date field later than the as-of date reads as none.
  if (const auto* d = std::get_if<dsl::Date>(&value); d != nullptr && *d <= as_of) return *d;
  return std::nullopt;
}

std::span<const dsl::Date> dates_at(const FieldValue& value, dsl::Date as_of) {
  const auto* list = std::get_if<DateList>(&value);
  if (list == nullptr) return {};
  const auto end = std::upper_bound(list->begin(), list->end(), as_of);
  return {list->data(), static_cast<std::size_t>(end - list->begin())};
}

FieldValue value_at(const FieldValue& value, dsl::Date as_of) {
  if (std::holds_alternative<dsl::Date>(value)) {
    if (auto d = date_at(value, as_of)) return *d;
    return std::monostate{};
  }
  if (std::holds_alternative<DateList>(value)) {
    const auto kept = dates_at(value, as_of);
    return DateList(kept.begin(), kept.end());
  }
  return value;
}

std::optional<dsl::Date> end_at(const Record& record, dsl::Date as_of) {
  // language.md §5: an episode whose end is after the as-of date is treated as having no end.
  const auto end = record.end();
  if (end && *end <= as_of) return end;
  return std::nullopt;
}

bool is_active(const Record& record, dsl::Date as_of) {
  // language.md §5: active when it has no end on or before today (one ending on the as-of date is not active).
  return record.shape == dsl::KindShape::episode && !end_at(record, as_of).has_value();
}

Record new_record(const dsl::Vocabulary& vocabulary, std::uint32_t kind) {
  const dsl::KindSpec& spec = vocabulary.kinds()[kind];
  Record r;
  r.kind = kind;
  r.shape = spec.shape;
  r.fields.reserve(spec.fields.size());
  for (const dsl::FieldSpec& f : spec.fields) r.fields.push_back(default_value(f));
  return r;
}

std::optional<std::uint32_t> kind_index(const dsl::Vocabulary& vocabulary, std::string_view name) {
  const auto& kinds = vocabulary.kinds();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i].name == name) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

bool record_before(const Record& a, const Record& b) {
  if (a.anchor() != b.anchor()) return a.anchor() < b.anchor();
  return a.id() < b.id();  // std::string compares bytewise (char_traits<char> compares as unsigned char)
}

void sort_records(std::vector<Record>& records) {
  if (!std::is_sorted(records.begin(), records.end(), record_before)) {
    std::stable_sort(records.begin(), records.end(), record_before);
  }
}

}  // namespace waymark::engine
