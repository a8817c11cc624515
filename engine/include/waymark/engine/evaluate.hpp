#pragma once
// The engine's main job (language.md §5-9): compile a checked pack once, then evaluate it against a
// caseload as of a date, using every core, with an explanation for every flag.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/check.hpp"
#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/rule_pack.hpp"
#include "waymark/engine/calendar.hpp"
#include "waymark/engine/pupil.hpp"
#include "waymark/engine/result.hpp"

namespace waymark::engine {

namespace detail {
struct Program;
}

/// A pack ready to evaluate: self-contained (it keeps copies of what it needs from the pack).
class CompiledPack {
public:
  explicit CompiledPack(std::unique_ptr<detail::Program> program);
  CompiledPack(CompiledPack&&) noexcept;
  CompiledPack& operator=(CompiledPack&&) noexcept;
  ~CompiledPack();

  const PackIdentity& identity() const;
  const dsl::Vocabulary& vocabulary() const;
  /// Qualified ids of the enabled rules, in pack order.
  std::vector<std::string> rule_ids() const;
  const detail::Program& program() const { return *program_; }
  /// The school calendar the pack evaluates with (its layers' calendars merged).
  const Calendar& program_calendar() const;

private:
  std::unique_ptr<detail::Program> program_;
};

/// Loads the calendars of every layer of the pack (base first; a later year of the same name
/// replaces an earlier one, case-records.md §3).
std::optional<Calendar> load_pack_calendar(const dsl::RulePack& pack, const dsl::SourceSet& sources,
                                           dsl::Diagnostics& diagnostics);

/// Compiles a pack that checked without errors.
CompiledPack compile(const dsl::RulePack& pack, const dsl::CheckedPack& checked, const dsl::SourceSet& sources,
                     Calendar calendar);

struct EvaluateOptions {
  dsl::Date as_of;
  unsigned threads = 0;  // 0: one per core
  /// Whether each flag carries its explanation. Off, a flag's `explanation` is empty and everything
  /// else (evidence included) is the same: for a report that prints no explanation, which then skips
  /// writing tens of strings per flag.
  bool explanations = true;
  /// Called now and then from a worker with (pupils done, total), for a progress indicator.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Evaluates every pupil (results sorted by id; byte-identical for identical input). When the as-of
/// date is not covered by the calendar and a rule needs the calendar, that is an error and nothing
/// is evaluated.
std::optional<RunResult> evaluate(const CompiledPack& pack, const Caseload& caseload, const EvaluateOptions& options,
                                  dsl::Diagnostics& diagnostics);

/// Evaluates one pupil.
PupilResult evaluate_pupil(const CompiledPack& pack, const Pupil& pupil, dsl::Date as_of);

/// Why a rule did or did not hold for a pupil: one explanation per binding tried (one without `for
/// each`). Nothing when there is no such rule.
std::optional<std::vector<Explanation>> explain_rule(const CompiledPack& pack, const Pupil& pupil, dsl::Date as_of,
                                                     const std::string& rule);

}  // namespace waymark::engine
