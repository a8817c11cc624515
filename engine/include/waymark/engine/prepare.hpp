#pragma once
// Preparing a pack for evaluation (OPA's PrepareForEval): load -> check -> calendar -> compile, in one
// engine function that every caller uses (`run`, `test`, `diff`, `explain`, `check`, the server).

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "waymark/dsl/check.hpp"
#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/rule_pack.hpp"
#include "waymark/engine/evaluate.hpp"

namespace waymark::engine {

/// Where bare pack names are looked up (packs.md §1): WAYMARK_PACKS, then the shipped packs (beside
/// an installed binary, else the source tree it was built from).
dsl::PackSearch default_pack_search();

/// How far to prepare: `loaded` gives the vocabulary (enough to import cases); `checked` also
/// checks the rules and loads the calendars (what `check` reports); `compiled` is ready to evaluate.
enum class PackStage { loaded, checked, compiled };

/// What `check` prints after the diagnostics; filled as soon as the manifests load, even when a
/// later stage fails.
struct PackOutline {
  std::string name;
  std::string version;
  std::string digest;
  std::size_t rules = 0;   // rule declarations in every layer
  std::size_t layers = 0;  // the pack and its bases
};

/// What to prepare.
struct PackRequest {
  PackRequest() = default;
  PackRequest(std::string pack_path) : pack(std::move(pack_path)) {}  // NOLINT: `{name}` reads well at call sites

  std::string pack;  // a folder path (a trailing slash changes nothing) or a bare name
  dsl::PackSearch search = default_pack_search();
  /// Added to the top layer's `parameters:` before checking (a pack test's own parameters).
  std::vector<dsl::ParamOverride> overrides;
  PackStage until = PackStage::compiled;
  PackOutline* outline = nullptr;  // optional: filled when the manifests load
  /// When set (by `check`: today), warn if the loaded calendars end within 12 weeks of this date
  /// (case-records.md §3), while there is time to add the next academic year.
  std::optional<dsl::Date> warn_calendar_ending_after;
};

/// A prepared pack. Not movable: `checked` points into `pack`, diagnostics into the caller's sources.
struct PreparedPack {
  dsl::RulePack pack;
  dsl::CheckedPack checked;               // empty when prepared only to `loaded`
  std::optional<CompiledPack> compiled;   // present when prepared to `compiled`

  PreparedPack() = default;
  PreparedPack(const PreparedPack&) = delete;
  PreparedPack& operator=(const PreparedPack&) = delete;
  const dsl::Vocabulary& vocabulary() const { return pack.vocabulary; }
};

/// Loads, checks, loads the calendars and compiles, as far as `request.until`. The checker and the
/// calendars both run once the manifests load, so one call reports the defects of both. Nothing (with
/// diagnostics) when any stage reports an error; `run` refuses exactly what `check` reports.
std::unique_ptr<PreparedPack> prepare_pack(const PackRequest& request, dsl::SourceSet& sources,
                                           dsl::Diagnostics& diagnostics);

/// Compiles a prepared pack again with more parameter overrides on its top layer (a pack test's own
/// `parameters:`), with the calendar it already has; nothing (with diagnostics) on error.
std::optional<CompiledPack> compile_with_overrides(PreparedPack& prepared, const std::vector<dsl::ParamOverride>& overrides,
                                                   const dsl::SourceSet& sources, dsl::Diagnostics& diagnostics);

}  // namespace waymark::engine
