#pragma once
// Private to the loaders: the two written forms of case records, each read into pupils with the
// file's problems as diagnostics. CaseLoader adds what is shared (unique pupil ids, record order).

#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/dsl/yaml_document.hpp"
#include "waymark/engine/attendance.hpp"
#include "waymark/engine/pupil.hpp"

namespace waymark::engine::detail {

/// The pupils of one YAML case file (case-records.md §1); meaningful only when no error was added.
std::vector<Pupil> read_case_yaml(const dsl::SourceSet& sources, dsl::FileId file, const dsl::Vocabulary& vocabulary,
                                  const AttendanceCodes& codes, dsl::Diagnostics& diagnostics);

/// The pupil of one case document already read from YAML (a pack test's inline case).
std::vector<Pupil> read_case_yaml_document(const dsl::SourceSet& sources, dsl::FileId file, const dsl::YamlNode& document,
                                           const dsl::Vocabulary& vocabulary, const AttendanceCodes& codes,
                                           dsl::Diagnostics& diagnostics);

/// The pupils of the CSV form (case-records.md §4); meaningful only when no error was added.
std::vector<Pupil> read_case_csv(const dsl::SourceSet& sources, dsl::FileId pupils, std::optional<dsl::FileId> records,
                                 std::optional<dsl::FileId> attendance, const dsl::Vocabulary& vocabulary,
                                 const AttendanceCodes& codes, dsl::Diagnostics& diagnostics);

/// The pupils of the CSV form with attendance.csv read from `attendance` (a path) a block at a time,
/// never whole: a roll's attendance export is most of its bytes. Nothing, and no diagnostics, when
/// any file has any problem or the attendance is not the plain export (its exact header, no quoted
/// cells): the caller then reads it whole into `sources` and calls read_case_csv, which reports.
/// `stamp` is set to the stamp of the attendance file as it was opened.
std::optional<std::vector<Pupil>> read_case_csv_streaming(const dsl::SourceSet& sources, dsl::FileId pupils,
                                                           std::optional<dsl::FileId> records,
                                                           const std::string& attendance,
                                                           const dsl::Vocabulary& vocabulary,
                                                           const AttendanceCodes& codes, dsl::FileStamp& stamp);

}  // namespace waymark::engine::detail
