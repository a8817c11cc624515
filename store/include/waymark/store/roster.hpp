#pragma once
// What `waymark serve` reads from stored runs (server.md, JSON API): the runs, the roster of one run
// (each pupil's school, tiers and counts, for lists) and one pupil's stored result with flag numbers
// and acknowledgements. Every query goes through an index, never a scan of all runs.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "waymark/engine/result.hpp"
#include "waymark/store/history.hpp"

namespace waymark::store {

/// One pupil of a run, as a list shows them.
struct RosterPupil {
  std::string id;
  std::string school;  // the `school` attribute of the version the run evaluated ("" when absent)
  std::int64_t current_tier = 0;
  std::optional<std::int64_t> suggested_tier;
  std::array<std::uint32_t, 4> flags{};  // by severity: low, medium, high, urgent
  std::uint32_t due = 0;
};

/// One pupil's result in a stored run, each flag with its number and acknowledgements.
struct StoredPupilResult {
  engine::PupilResult result;
  std::string school;
  std::vector<std::int64_t> flag_ids;                           // aligned with result.flags
  std::vector<std::vector<Acknowledgement>> acknowledgements;  // aligned with result.flags, oldest first
};

}  // namespace waymark::store
