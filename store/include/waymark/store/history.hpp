#pragma once
// A pupil's history across stored runs (`waymark history`): each run's flags marked new, continuing or
// resolved, due entries, and the acknowledgements SENCOs recorded. Built by Store::history.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/date.hpp"
#include "waymark/engine/result.hpp"

namespace waymark::store {

/// A SENCO's record that a flag was seen and what was done about it.
struct Acknowledgement {
  std::int64_t id = 0;
  std::int64_t flag = 0;
  std::string by;
  std::string note;
  std::string at;  // UTC, ISO 8601
};

/// An acknowledgement with the flag it acknowledged, for the auditor's log (issue 12).
struct LoggedAcknowledgement {
  Acknowledgement acknowledgement;
  std::string pupil;
  std::string rule;
  std::string title;
  std::int64_t run = 0;
};

/// How a flag relates to the pupil's previous run with the same pack.
enum class FlagStatus { new_flag, continuing };

/// A flag of one run in a pupil's history.
struct HistoryFlag {
  std::int64_t id = 0;
  FlagStatus status = FlagStatus::new_flag;
  engine::Flag flag;                         // without its explanation (see `explain --flag`)
  std::string bound_item;                    // the record (or date) a `for each` rule bound; "" otherwise
  std::int64_t first_raised_run = 0;         // the run where this flag first appeared, unbroken since
  std::vector<Acknowledgement> acknowledgements;          // of this flag
  std::vector<Acknowledgement> earlier_acknowledgements;  // of the same flag in earlier runs
};

/// A flag of the previous run that this run no longer raised.
struct ResolvedFlag {
  std::int64_t last_flag = 0;  // its id in the previous run
  std::string rule;
  std::string title;
  std::string bound_item;
};

/// One run that evaluated the pupil.
struct HistoryRun {
  std::int64_t run = 0;
  dsl::Date as_of;
  engine::PackIdentity pack;
  std::string finished;
  std::int64_t version = 0;  // the version of the pupil's case data it evaluated
  std::int64_t current_tier = 0;
  std::optional<std::int64_t> suggested_tier;
  std::optional<std::int64_t> previous_run;  // the pupil's previous run with the same pack
  std::vector<HistoryFlag> flags;
  std::vector<ResolvedFlag> resolved;
  std::vector<engine::DueEntry> due;
};

/// One stored version of the pupil's case data.
struct HistoryVersion {
  std::int64_t version = 0;
  std::int64_t import_id = 0;
  std::string imported;  // when the import finished, UTC
  std::size_t records = 0;
  std::string digest;
};

struct PupilHistory {
  std::string pupil;
  std::vector<HistoryVersion> versions;
  std::vector<HistoryRun> runs;  // oldest first
};

}  // namespace waymark::store
