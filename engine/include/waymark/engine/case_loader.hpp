#pragma once
// Loads case records from YAML case files (case-records.md §1) and CSV folders (§4), validated against
// the vocabulary. Used by the CLI and the store. A file with any error contributes nothing.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/source.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/dsl/yaml_document.hpp"
#include "waymark/engine/attendance.hpp"
#include "waymark/engine/pupil.hpp"

namespace waymark::engine {

/// Errors reported per file before the rest of that file is skipped, so a broken export cannot flood the output.
inline constexpr std::size_t max_errors_per_file = 100;

/// A case file read a block at a time rather than held in a SourceSet (a roll's attendance export).
struct StreamedFile {
  std::string path;
  dsl::FileStamp stamp;          // as it was opened: `import` hashes it again and checks it is unchanged
  std::size_t files_before = 0;  // the files in the SourceSet when it was read (its place among them)
};

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
  /// add_csv with attendance.csv read a block at a time from the file `attendance` (see
  /// stream_attendance_from): what add_csv would return, or nothing when it is too small or cannot be
  /// read cleanly that way (the caller then reads it whole and calls add_csv, which reports).
  std::optional<bool> add_csv_streamed(const dsl::SourceSet& sources, dsl::FileId pupils,
                                       std::optional<dsl::FileId> records, const std::filesystem::path& attendance,
                                       dsl::Diagnostics& diagnostics);
  /// Reads a YAML file (`.yaml`/`.yml`), a CSV folder (one holding pupils.csv) or a folder of case
  /// files (searched recursively, in name order) into `sources` and adds them; false on any error.
  bool add_path(const std::filesystem::path& path, dsl::SourceSet& sources, dsl::Diagnostics& diagnostics);

  /// From now on, add_path reads an attendance.csv of at least `bytes` a block at a time instead of
  /// whole into `sources`, when it is the plain export and everything loads cleanly (otherwise it is
  /// read whole after all, and reported as before). Such files are listed by streamed_files(). Off
  /// unless asked for.
  void stream_attendance_from(std::size_t bytes) { stream_from_ = bytes; }
  /// The attendance files read a block at a time: inputs, though not in `sources`.
  const std::vector<StreamedFile>& streamed_files() const { return streamed_; }

  /// The pupils added so far, sorted by id; the loader is left empty.
  Caseload finish();

  const dsl::Vocabulary& vocabulary() const { return vocabulary_; }
  const AttendanceCodes& codes() const { return codes_; }

private:
  bool accept(std::vector<Pupil>& pupils, const dsl::SourceSet& sources, dsl::Diagnostics& local,
              dsl::Diagnostics& diagnostics);
  void index_accepted();  // ids_ from the pupils accepted so far

  const dsl::Vocabulary& vocabulary_;
  AttendanceCodes codes_;
  std::vector<Pupil> pupils_;
  std::size_t stream_from_ = SIZE_MAX;  // attendance.csv of this many bytes or more is streamed
  std::vector<StreamedFile> streamed_;
  // Every accepted pupil id and where it was written, by id; built once a second file comes.
  std::vector<std::pair<std::string, dsl::SourceRange>> ids_;
  bool in_id_order_ = false;  // pupils_ is one file's pupils, listed in rising id order
};

}  // namespace waymark::engine
