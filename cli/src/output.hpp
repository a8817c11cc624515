#pragma once
// Where command output goes: standard output, or a file written whole or not at all.

#include <ostream>
#include <string>

#include "waymark/dsl/diagnostic.hpp"

namespace waymark::cli {

/// True when standard output is a terminal (colour and progress only then).
bool stdout_is_terminal();
bool stderr_is_terminal();

/// Writes `text` to `path` atomically (temporary file, then rename), or to stdout when path is empty.
/// A failure is reported as a diagnostic and returns false.
/// Reports are created private to their owner (0600): they hold pupil data. `mode` overrides that
/// (fmt keeps a rule file's own permissions).
bool write_output(const std::string& path, const std::string& text, dsl::Diagnostics& diagnostics,
                  unsigned mode = 0600);

/// Prints diagnostics sorted, as compiler-style text or JSON, to `out`.
/// `check` prints to stdout (finding problems is its job); other commands print input errors to stderr.
void print_diagnostics(std::ostream& out, const dsl::Diagnostics& diagnostics, const dsl::SourceSet& sources, bool json);

}  // namespace waymark::cli
