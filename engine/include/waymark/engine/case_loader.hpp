#pragma once
// Loads case records from YAML case files (case-records.md §1) and CSV folders (§4), validated against
// the vocabulary. Used by the CLI and the store. A file with any error contributes nothing.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/dsl/yaml_document.hpp"
#include "waymark/engine/attendance.hpp"
#include "waymark/engine/pupil.hpp"

namespace waymark::engine {

/// Errors reported per file before the rest of that file is skipped, so a broken export cannot flood the output.
inline constexpr std::size_t max_errors_per_file = 100;

/// Collects the pupils of several files; pupil ids must be unique across all of them.
class CaseLoader {
public:
  /// A loader for records written in `vocabulary`'s terms (kept by reference: it must outlive the loader).
  explicit CaseLoader(const dsl::Vocabulary& vocabulary);

  /// Adds the pupils of a YAML case file already in `sources`; returns false, adding nothing, on any error.
  bool add_yaml(const dsl::SourceSet& sources, dsl::FileId file, dsl::Diagnostics& diagnostics);
  /// Adds the pupil of a case document already read from a YAML file in `sources` (a mapping with
  /// pupil, records and attendance, as a pack test writes inline); false, adding nothing, on any error.
  bool add_yaml_document(const dsl::SourceSet& sources, dsl::FileId file, const dsl::YamlNode& document,
                         dsl::Diagnostics& diagnostics);
  /// Adds the pupils of the CSV form (pupils.csv, optional records.csv and attendance.csv, already in
  /// `sources`); returns false, adding nothing, on any error in any of them.
  bool add_csv(const dsl::SourceSet& sources, dsl::FileId pupils, std::optional<dsl::FileId> records,
               std::optional<dsl::FileId> attendance, dsl::Diagnostics& diagnostics);
  /// Reads a YAML file (`.yaml`/`.yml`), a CSV folder (one holding pupils.csv) or a folder of case
  /// files (searched recursively, in name order) into `sources` and adds them; false on any error.
  bool add_path(const std::filesystem::path& path, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics);

  /// The pupils added so far, sorted by id; the loader is left empty.
  Caseload finish();

  const dsl::Vocabulary& vocabulary() const { return vocabulary_; }
  const AttendanceCodes& codes() const { return codes_; }

private:
  bool accept(std::vector<Pupil>& pupils, const dsl::SourceSet& sources, dsl::Diagnostics& local,
              dsl::Diagnostics& diagnostics);

  const dsl::Vocabulary& vocabulary_;
  AttendanceCodes codes_;
  std::vector<Pupil> pupils_;
  std::vector<std::pair<std::string, dsl::SourceRange>> ids_;  // every accepted pupil id and where it was written, by id
};

}  // namespace waymark::engine
