#pragma once
// Synthetic, realistic caseloads for demos, tests and benchmarks (`waymark gen`): no real people.
// Proportions follow the national figures of statutory-facts.md §8 (persistent absence about 20%,
// severe absence about 2%, suspensions about 11 per 100, EHC plans 5%, SEN support 14%,
// looked-after 0.7%), so rule packs flag a realistic share of pupils.

#include <cstdint>
#include <map>
#include <string>

#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/calendar.hpp"
#include "waymark/engine/pupil.hpp"

namespace waymark::engine {

/// The kinds of record `generate_caseload` makes, and the default share of pupils (per thousand) who
/// get at least one (reintegration_meeting: per suspension).
struct GeneratedKind {
  const char* kind;
  std::uint64_t per_mille;
};
inline constexpr GeneratedKind generated_kinds[] = {
    {"suspension", 90}, {"reintegration_meeting", 700}, {"reduced_timetable", 6},
    {"tier", 300},      {"meeting", 500},               {"incident", 100},
};

struct GenerateOptions {
  std::size_t pupils = 100;
  std::uint64_t seed = 1;
  dsl::Date first_day;  // attendance from here (usually the start of an academic year)
  dsl::Date last_day;   // to here (inclusive)
  /// Per kind (a name of generated_kinds): per thousand pupils instead of the default.
  std::map<std::string, std::uint64_t> per_mille;
};

/// A caseload of `options.pupils` pupils with ids P-0000001..., the same for the same options.
/// Needs the England vocabulary's kinds (suspension, reintegration_meeting, tier, ...); kinds it
/// does not find are simply not generated.
Caseload generate_caseload(const dsl::Vocabulary& vocabulary, const Calendar& calendar, const GenerateOptions& options);

/// Writes the CSV form of case-records.md §4 (pupils.csv, records.csv, attendance.csv with one
/// row per school day) into `folder`, which must exist. Files are created private to their owner.
bool write_csv_caseload(const Caseload& caseload, const dsl::Vocabulary& vocabulary, const Calendar& calendar,
                        const std::string& folder, dsl::Diagnostics& diagnostics);

}  // namespace waymark::engine
