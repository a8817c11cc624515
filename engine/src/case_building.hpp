#pragma once
// Private to the loaders: the parts of building a Pupil that the YAML and CSV forms share.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/pupil.hpp"

namespace waymark::engine::detail {

/// Days one pupil's marks may span, first to last: longer than any school career, short enough that a
/// mistyped year cannot make one pupil cost megabytes.
inline constexpr std::int32_t max_marks_days = 20 * 366;

// new_pupil, new_record and kind_index are public (pupil.hpp, record.hpp): the store builds pupils too.
/// The index of a pupil attribute that a file may set (not `age`, which is derived).
std::optional<std::size_t> attribute_index(const dsl::Vocabulary& vocabulary, std::string_view name);
/// The names a pupil entry may use: its attributes (less `age`), `upn` and `name`.
std::vector<std::string> pupil_keys(const dsl::Vocabulary& vocabulary);
/// "a suspension" / "an ehc_plan".
std::string with_article(const std::string& kind);
/// The message for a missing required field of a record.
std::string missing_field_message(const dsl::KindSpec& kind, const dsl::FieldSpec& field);
/// The message for a field an event or episode cannot have (`start` on an event), or "" when none applies.
std::string wrong_shape_field_message(const dsl::KindSpec& kind, std::string_view field);
/// The message for a field name the kind does not have.
std::string unknown_field_message(const dsl::KindSpec& kind, const std::string& field);

/// One run of marks (case-records.md §4), and where its `from` was written.
struct MarksRun {
  dsl::Date from;
  std::vector<std::uint8_t> sessions;
  dsl::SourceRange at;
};

/// Joins a pupil's runs into one contiguous span; overlapping runs and too long a span are errors.
bool join_runs(std::vector<MarksRun>& runs, AttendanceMarks& marks, dsl::Diagnostics& diagnostics);

/// A record's `about` as written (case-records.md §2.1): the record, the id it names, and where.
struct AboutLink {
  std::string record;
  std::string about;
  dsl::SourceRange at;
};

/// The `about` field's index in a kind's fields, when it has one (every kind loaded from YAML does).
std::optional<std::size_t> about_index(const dsl::KindSpec& kind);
/// Checks a pupil's links once all its records are read: a link naming no record of the pupil is
/// `unknown-record`, one naming its own record `about-itself`. False when any was reported.
bool check_about_links(const Pupil& pupil, const std::vector<AboutLink>& links, dsl::Diagnostics& diagnostics);


}  // namespace waymark::engine::detail
