#pragma once
// Where command output goes: standard output, or a file written whole or not at all.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/diagnostic.hpp"

namespace waymark::cli {

/// True when standard output is a terminal (colour and progress only then).
bool stdout_is_terminal();
bool stderr_is_terminal();

/// Colour on this stream: only at a terminal, and never when NO_COLOR is set (no-color.org) or
/// TERM is "dumb".
bool stdout_colour();
bool stderr_colour();

/// One line on standard error, rewritten in place, while a long step works (loading, importing,
/// generating, evaluating); only at a terminal. Carriage returns and spaces only, no escape
/// sequences, so a dumb terminal shows it too. Cleared when done or destroyed.
class Progress {
public:
  Progress();
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  bool active() const { return active_; }
  void show(const std::string& text);
  void clear();

private:
  bool active_ = false;
  std::size_t width_ = 0;
};

/// Refuses, before anything is written (issue 10.1), an output path that would destroy what the command
/// reads or that is no file to write a report into: a folder, a FIFO, a device, a socket or a symbolic
/// link, or the same file (by device and inode, after resolving) as any of `inputs` (for a database,
/// its -wal, -shm and -journal files too). A path that does not exist yet needs an existing folder.
/// "" and "-" are standard output. With `folder`, the output is a folder to write files into.
bool check_output_path(const std::string& path, const std::vector<std::string>& inputs, dsl::Diagnostics& diagnostics,
                       bool folder = false);

/// The paths of every file in `sources` (pack, rule, vocabulary, calendar and case files read so far).
std::vector<std::string> source_paths(const dsl::SourceSet& sources);

/// A database path and the files SQLite keeps beside it.
std::vector<std::string> database_paths(const std::string& db);

/// Flushes standard output; false (with errno saved in `error`) when anything written to it was lost:
/// a closed pipe, a full disk, a closed descriptor. main() turns that into exit code 3.
bool finish_stdout(int& error);

/// `text` with control characters from data made visible line by line (dsl::printable): line breaks
/// are kept, everything else that would act on a terminal is shown as an escape.
std::string printable_lines(std::string_view text);

/// Writes `text` to `path` atomically (temporary file, then rename), or to stdout when path is empty.
/// A failure is reported as a diagnostic and returns false.
/// Reports are created private to their owner (0600): they hold pupil data. `mode` overrides that
/// (fmt keeps a rule file's own permissions).
bool write_output(const std::string& path, const std::string& text, dsl::Diagnostics& diagnostics,
                  unsigned mode = 0600);

/// A file with a syntax error contributes nothing to its pack, so warnings about the rest (a parameter
/// "unused", a rule that "never fires") may only be echoes of it: they are left out, with a note,
/// until the syntax errors are fixed. Other diagnostics are unchanged.
dsl::Diagnostics without_follow_on_warnings(const dsl::Diagnostics& diagnostics);

/// Prints diagnostics sorted (without follow-on warnings), as compiler-style text or JSON, to `out`.
/// `check` prints to stdout (finding problems is its job); other commands print input errors to stderr.
void print_diagnostics(std::ostream& out, const dsl::Diagnostics& diagnostics, const dsl::SourceSet& sources, bool json);

}  // namespace waymark::cli
