#pragma once
// Private to the store: a pupil's case data as stored (pupil_versions and records rows) and back. Values
// are keyed by the vocabulary's names, not its indices, so a caseload imported under one pack reads
// back exactly under any pack whose vocabulary declares the same names (an overlay adds, never removes).

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "digest.hpp"
#include "json_text.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/attendance.hpp"
#include "waymark/engine/pupil.hpp"

namespace waymark::store::detail {

/// One records row.
struct StoredRecord {
  std::string kind;
  std::string record_id;
  std::string anchor;                   // ISO date: an event's date or an episode's start
  std::optional<std::string> end_date;  // ISO date; episodes only, none while ongoing
  std::string fields;                   // JSON object of the other fields by name (none values left out)
};

/// One pupil_versions row with its records: everything stored about a pupil at one import.
struct StoredPupil {
  std::string id;
  std::optional<std::string> upn;
  std::optional<std::string> name;
  std::string attributes;                  // JSON object by attribute name (id, age and none values left out)
  std::optional<std::string> marks_first;  // ISO date of the first day of marks
  std::optional<Bytes> marks;              // one byte per session: an index into the import's code list
  std::vector<StoredRecord> records;       // in the engine's order (anchor, then id)
};

/// The digest of a pupil's stored content: what a run's input digest is built from, and what
/// verify recomputes to find an edited pupil or record row.
Digest pupil_digest(const StoredPupil& pupil);

/// Turns loaded pupils into their stored form under one vocabulary. JSON keys are sorted by name, so
/// the same case data gives the same bytes (and digest) whichever pack validated it.
class PupilEncoder {
public:
  explicit PupilEncoder(const dsl::Vocabulary& vocabulary);
  /// Throws SqlError("invalid-text") for text that is not UTF-8 (the loaders reject it first; this
  /// keeps the store safe on its own: pupil data is never silently altered).
  StoredPupil encode(const engine::Pupil& pupil) const;

private:
  using Order = std::vector<std::size_t>;  // field indices sorted by name
  const dsl::Vocabulary& vocabulary_;
  engine::PupilLayout layout_;
  Order attributes_;
  std::vector<Order> kinds_;
};

/// The vocabulary's attendance codes in session-byte order, as JSON (stored with each import).
std::string attendance_codes_json(const dsl::Vocabulary& vocabulary);

/// Turns stored pupils back into the engine's Pupil under one vocabulary.
class PupilDecoder {
public:
  explicit PupilDecoder(const dsl::Vocabulary& vocabulary);

  /// The pupil, or nothing with `problem` set (a kind, field or code the vocabulary lacks, or a value
  /// of the wrong type). `codes` is the JSON code list of the import the version came from.
  std::optional<engine::Pupil> decode(const StoredPupil& stored, std::int64_t import_id, const std::string& codes,
                                      std::string& problem);

private:
  using Translation = std::array<std::int16_t, 256>;  // stored byte -> this vocabulary's byte, -1 unknown
  const Translation* translation(std::int64_t import_id, const std::string& codes, std::string& problem);

  const dsl::Vocabulary& vocabulary_;
  engine::AttendanceCodes codes_;
  std::map<std::int64_t, Translation> translations_;
  std::string key_;   // reused from pupil to pupil: decoding allocates only what it keeps
  FlatValue value_;
};

}  // namespace waymark::store::detail
