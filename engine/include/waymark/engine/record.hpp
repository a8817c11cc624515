#pragma once
// One case record of a pupil (an event or an episode) and how it reads as of a date (language.md §5).
// Built by the case loaders; read by the evaluator through indices, never by name.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/source.hpp"
#include "waymark/engine/field_value.hpp"

namespace waymark::engine {

/// A record: its kind as an index into Vocabulary::kinds(), its values aligned with KindSpec::fields.
struct Record {
  std::uint32_t kind = 0;
  dsl::KindShape shape = dsl::KindShape::event;
  /// fields[0] is the id (string), fields[1] the date (events) or start (episodes), fields[2] an
  /// episode's end (none while ongoing), then the kind's declared fields in vocabulary order.
  std::vector<FieldValue> fields;
  dsl::SourceRange origin;  // where it was written, for explanations

  /// The record's id, unique within its pupil.
  const std::string& id() const { return std::get<std::string>(fields[0]); }
  /// The anchor: an event's date or an episode's start (language.md §5).
  dsl::Date anchor() const { return std::get<dsl::Date>(fields[1]); }
  /// An episode's end as written (none while ongoing, and always none for events).
  std::optional<dsl::Date> end() const;
};

/// Index of the built-in `end` field in Record::fields (episodes only).
inline constexpr std::size_t end_field = 2;

/// True when the record exists as of `as_of`: anchored on or before it (language.md §5).
inline bool exists_at(const Record& record, dsl::Date as_of) { return record.anchor() <= as_of; }

/// A date as known on `as_of`: a date after it reads as none (language.md §5, `end` and `la_notified` alike).
std::optional<dsl::Date> date_at(const FieldValue& value, dsl::Date as_of);
/// A date list as known on `as_of`: the entries on or before it (no copy; the list is sorted).
std::span<const dsl::Date> dates_at(const FieldValue& value, dsl::Date as_of);
/// Any field value as known on `as_of` (dates after it none, later list entries dropped); copies.
FieldValue value_at(const FieldValue& value, dsl::Date as_of);
/// An episode's end as known on `as_of`: none when it ends after `as_of` (still ongoing then).
std::optional<dsl::Date> end_at(const Record& record, dsl::Date as_of);
/// An episode is active on `as_of` when it has no end on or before that date (language.md §5).
bool is_active(const Record& record, dsl::Date as_of);

/// A record of kind `kind` (an index into Vocabulary::kinds()) with every field at its default.
Record new_record(const dsl::Vocabulary& vocabulary, std::uint32_t kind);
/// The index of the kind of exactly that name (no plural forms: those are for rules), or none.
std::optional<std::uint32_t> kind_index(const dsl::Vocabulary& vocabulary, std::string_view name);

/// Record order within a pupil: by anchor, then id compared bytewise (language.md §6).
bool record_before(const Record& a, const Record& b);
/// Puts `records` (one pupil's) in record_before order, as every reader leaves them; a stable sort,
/// and only a pass when they already are.
void sort_records(std::vector<Record>& records);

}  // namespace waymark::engine
