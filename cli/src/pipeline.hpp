#pragma once
// The case-side stages every evaluating command wires together (the pack side is
// engine::prepare_pack). Problems are diagnostics; a failed stage stops the command with exit code 3.

#include <optional>
#include <string>
#include <vector>

#include "waymark/dsl/vocabulary.hpp"
#include "waymark/engine/case_loader.hpp"
#include "waymark/engine/evaluate.hpp"
#include "waymark/engine/pupil.hpp"

namespace waymark::cli {

/// Loads case files and folders (YAML, or the CSV form) in the pack's vocabulary; nothing on any error.
/// With `streamed`, a large attendance.csv may be read a block at a time rather than kept in `sources`
/// (a command that needs no file's text afterwards); it is added there, an input all the same.
std::optional<engine::Caseload> load_cases(const std::vector<std::string>& paths, const dsl::Vocabulary& vocabulary,
                                           dsl::SourceSet& sources, dsl::Diagnostics& diagnostics,
                                           std::vector<engine::StreamedFile>* streamed = nullptr);

/// Parses `--as-of` (default: today's date); nothing, with a diagnostic, when it is not a date.
std::optional<dsl::Date> parse_as_of(const std::string& text, dsl::Diagnostics& diagnostics);

/// Keeps only the pupils named (in the order of the caseload); an unknown id is an error.
bool select_pupils(engine::Caseload& caseload, const std::vector<std::string>& ids, dsl::Diagnostics& diagnostics);

}  // namespace waymark::cli
