#pragma once
// Problems found in users' files, as data. Every stage appends Diagnostics and never prints;
// the CLI renders them once, sorted, as compiler-style text or as JSON.

#include <string>
#include <vector>

#include "waymark/dsl/source.hpp"

namespace waymark::dsl {

enum class Severity { error, warning };

/// One problem: where, how bad, a stable kebab-case code, and a message that says what to do.
struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;     // stable: `syntax`, `unknown-field`, `type-mismatch`, ...
  std::string message;  // one sentence, no trailing period
  SourceRange range;
  std::vector<std::string> notes;  // further lines of help
};

/// The diagnostics of one command, in the order they were found.
class Diagnostics {
public:
  void error(SourceRange range, std::string code, std::string message);
  void warning(SourceRange range, std::string code, std::string message);
  void add(Diagnostic d);
  void append(const Diagnostics& other);

  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  std::size_t warning_count() const { return all_.size() - errors_; }
  const std::vector<Diagnostic>& all() const { return all_; }
  bool empty() const { return all_.empty(); }
  /// Sorted by file (in SourceSet order), then position; ties keep their discovery order.
  std::vector<Diagnostic> sorted() const;

private:
  std::vector<Diagnostic> all_;
  std::size_t errors_ = 0;
};

/// Compiler-style text: `file:line:col: error: message [code]`, the source line and a caret range.
std::string render_text(const std::vector<Diagnostic>& diagnostics, const SourceSet& sources, bool colour = false);
/// The same as a JSON array of {file, line, column, end_line, end_column, severity, code, message, notes}.
std::string render_json(const std::vector<Diagnostic>& diagnostics, const SourceSet& sources);

/// The candidate nearest to `word` by edit distance, when near enough to be a likely misspelling.
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);
/// "; did you mean 'x'?" for the nearest candidate, or nothing.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace waymark::dsl
