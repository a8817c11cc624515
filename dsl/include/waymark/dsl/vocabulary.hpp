#pragma once
// The vocabulary a pack's rules and case records are written in (case-records.md §2): pupil
// attributes, record kinds and their fields, roles, categories and attendance codes.
// Loaded from YAML (docs/vocabulary-format.md); used by the checker and the case loaders.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"

namespace waymark::dsl {

enum class FieldType { boolean, number, string, date, enumeration, date_list };

/// The word for a field type in messages and in vocabulary files: "boolean", "date list", ...
std::string_view field_type_name(FieldType type);

/// A pupil attribute or a record field.
struct FieldSpec {
  std::string name;
  FieldType type = FieldType::string;
  std::vector<std::string> values;  // the enum's values, for FieldType::enumeration
  bool required = false;
  std::optional<std::string> default_value;  // enums may default (sen: none); booleans default to false
  std::string description;
  /// Built in (id, date, start, end, age): present on every record or pupil, not declared in YAML.
  bool builtin = false;
  /// A planned date (`planned: true`): an intention known when recorded, so it reads as its value at
  /// any as-of date (language.md §5; `reduced_timetable.planned_end`, case-records.md §2.1).
  bool planned = false;

  bool has_value(std::string_view v) const;
  /// Never none: booleans (default false), required fields, enums with a default, built-ins other than `end`.
  bool always_present() const;
};

enum class KindShape { event, episode };

/// The field every record kind has from version 2 (case-records.md §2.1): the id of another record of
/// the same pupil that this record concerns. A string, not a built-in: YAML and CSV write it like any
/// other field (`about: S-3`, `about=S-3`), and a vocabulary may declare it as a string (v1 did, on
/// `notification`).
inline constexpr std::string_view about_field_name = "about";

/// A record kind: an event (has `date`) or an episode (has `start` and an optional `end`).
struct KindSpec {
  std::string name;
  KindShape shape = KindShape::event;
  std::vector<FieldSpec> fields;  // built-ins first (id, then date or start/end), then declared fields
  std::string description;

  const FieldSpec* field(std::string_view name) const;
  std::vector<std::string> field_names() const;
};

enum class AttendanceClass { present, approved_off_site, authorised_absence, unauthorised_absence, not_possible };

struct AttendanceCode {
  std::string code;  // one character, or a letter and a digit
  AttendanceClass classification = AttendanceClass::not_possible;
  std::string meaning;
};

/// Everything a pack's rules and records may name.
class Vocabulary {
public:
  /// The pupil's built-in attributes (`id`, `age`), before any loaded from YAML.
  Vocabulary();

  const std::vector<FieldSpec>& pupil_attributes() const { return pupil_attributes_; }
  const std::vector<KindSpec>& kinds() const { return kinds_; }
  const std::vector<std::string>& roles() const { return roles_; }
  const std::vector<std::string>& categories() const { return categories_; }
  const std::vector<AttendanceCode>& attendance_codes() const { return attendance_codes_; }

  const FieldSpec* pupil_attribute(std::string_view name) const;
  /// The kind of that exact name, else of that name less a trailing `s` (language.md §4: plurals).
  const KindSpec* kind(std::string_view name) const;
  bool has_role(std::string_view name) const;
  bool has_category(std::string_view name) const;
  const AttendanceCode* attendance_code(std::string_view code) const;

  std::vector<std::string> kind_names() const;
  std::vector<std::string> pupil_attribute_names() const;

  // Building, used by the YAML loader; additions never remove anything (case-records.md §2).
  void add_pupil_attribute(FieldSpec spec) { pupil_attributes_.push_back(std::move(spec)); }
  void add_kind(KindSpec spec) { kinds_.push_back(std::move(spec)); }
  KindSpec* mutable_kind(std::string_view name);
  void add_role(std::string role) { roles_.push_back(std::move(role)); }
  void add_category(std::string category) { categories_.push_back(std::move(category)); }
  void set_attendance_code(AttendanceCode code);

private:
  std::vector<FieldSpec> pupil_attributes_;
  std::vector<KindSpec> kinds_;
  std::vector<std::string> roles_;
  std::vector<std::string> categories_;
  std::vector<AttendanceCode> attendance_codes_;
};

/// Reads a vocabulary file (or an overlay's additions) into `vocabulary`. Problems are diagnostics
/// with the YAML line and column; on any error the vocabulary is left unchanged.
bool load_vocabulary(const SourceSet& sources, FileId file, Vocabulary& vocabulary, Diagnostics& diagnostics);

}  // namespace waymark::dsl
