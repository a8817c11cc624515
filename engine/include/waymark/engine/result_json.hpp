#pragma once
// A run's results as JSON, in the keys and order cli.md fixes for `run --format json`: one home for
// the shapes that `run`, `explain` and the server's JSON API (server.md) all answer with.

#include <nlohmann/json.hpp>

#include "waymark/engine/result.hpp"

namespace waymark::engine {

/// A tier, or null when there is none.
nlohmann::ordered_json tier_json(std::optional<std::int64_t> tier);
/// The explanation tree of `run --explain` (language.md §9).
nlohmann::ordered_json explanation_json(const Explanation& explanation);
/// One flag as an element of a pupil's `flags`; with its explanation when `explain`.
nlohmann::ordered_json flag_json(const Flag& flag, bool explain);
/// One due entry as an element of a pupil's `due`.
nlohmann::ordered_json due_json(const DueEntry& due);
/// One element of `run --format json`'s `pupils`.
nlohmann::ordered_json pupil_json(const PupilResult& pupil, bool explain);

}  // namespace waymark::engine
