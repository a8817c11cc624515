#pragma once
// A pupil's case record: attributes, records and attendance marks (case-records.md §1-§2), and the
// caseload of one load. Built by the case loaders; read by the evaluator through indices.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "waymark/dsl/source.hpp"
#include "waymark/engine/attendance.hpp"
#include "waymark/engine/record.hpp"

namespace waymark::engine {

/// One pupil. `upn` and `name` are kept apart from the attributes because rules may never read them.
struct Pupil {
  /// Aligned with Vocabulary::pupil_attributes(): [0] id (string), [1] age (always none here: it is
  /// derived at the as-of date, see attribute_at), then the declared attributes with defaults applied.
  std::vector<FieldValue> attributes;
  std::optional<std::string> upn;   // validated when loaded; personal data
  std::optional<std::string> name;  // personal data; never printed with --redact
  std::vector<Record> records;      // sorted by anchor, then id bytewise
  AttendanceMarks attendance;
  dsl::SourceRange origin;

  /// The pupil's id, unique within a load.
  const std::string& id() const { return std::get<std::string>(attributes[0]); }
};

/// The pupils of one load, sorted by id bytewise.
struct Caseload {
  std::vector<Pupil> pupils;
  /// The pupil with that id, or null (binary search).
  const Pupil* find(std::string_view id) const;
};

/// Where the attributes with special rules sit in Pupil::attributes, found once per vocabulary.
struct PupilLayout {
  std::size_t id = 0;
  std::size_t age = 1;
  std::optional<std::size_t> dob;
  std::optional<std::size_t> year_group;
  /// The layout of `vocabulary`'s pupil attributes.
  static PupilLayout of(const dsl::Vocabulary& vocabulary);
};

/// A pupil with the given id and every attribute at its vocabulary default (`age` none: it is derived
/// at the as-of date). What every builder of pupils starts from: the case loaders, the store, `gen`.
Pupil new_pupil(const dsl::Vocabulary& vocabulary, std::string id);

/// Whole years of age on `as_of` (someone born on 29 February has a birthday on 1 March in other years).
std::int64_t age_on(dsl::Date dob, dsl::Date as_of);
/// The English year group on `as_of` (case-records.md §2): born 1 Sep Y to 31 Aug Y+1, Year N in the
/// academic year starting in September of Y+5+N; Reception is 0 (negative before Reception).
std::int64_t year_group_on(dsl::Date dob, dsl::Date as_of);
/// The records that exist on `as_of` (anchored on or before it): a prefix of the sorted records.
std::span<const Record> records_at(const Pupil& pupil, dsl::Date as_of);
/// An attribute as known on `as_of`: age derived from dob, year_group derived from dob when absent,
/// a date after `as_of` none (language.md §5).
FieldValue attribute_at(const Pupil& pupil, std::size_t index, dsl::Date as_of, const PupilLayout& layout);
/// A copy of the pupil as known on `as_of`: later records and marks removed, later dates none,
/// later date-list entries dropped (language.md §5).
Pupil truncated(const Pupil& pupil, dsl::Date as_of);
/// A copy safe to print under `--redact`: no name, the UPN redacted (case-records.md §5).
Pupil redacted(const Pupil& pupil);

}  // namespace waymark::engine
