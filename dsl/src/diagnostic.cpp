#include "waymark/dsl/diagnostic.hpp"

#include "waymark/dsl/printable.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

namespace waymark::dsl {

void Diagnostics::error(SourceRange range, std::string code, std::string message) {
  add({Severity::error, std::move(code), std::move(message), range, {}});
}

void Diagnostics::warning(SourceRange range, std::string code, std::string message) {
  add({Severity::warning, std::move(code), std::move(message), range, {}});
}

void Diagnostics::add(Diagnostic d) {
  if (d.severity == Severity::error) ++errors_;
  all_.push_back(std::move(d));
}

void Diagnostics::append(const Diagnostics& other) {
  for (const Diagnostic& d : other.all_) add(d);
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = all_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.range.file != b.range.file) return a.range.file < b.range.file;
    return a.range.begin < b.range.begin;
  });
  return out;
}

namespace {

const char* severity_word(Severity s) { return s == Severity::error ? "error" : "warning"; }

struct Located {
  std::string file;
  LineColumn start;
  LineColumn end;
};

Located locate(const Diagnostic& d, const SourceSet& sources) {
  if (d.range.file == no_file || d.range.file >= sources.size()) return {};
  const SourceFile& f = sources.file(d.range.file);
  return {f.path(), f.position(d.range.begin), f.position(std::max(d.range.end, d.range.begin))};
}

// The caret line under a source line: `^` at the first character, `~` under the rest of the range.
std::string caret_line(std::string_view line, std::size_t column, std::size_t width) {
  std::string out;
  std::size_t character = 1;
  for (std::size_t i = 0; i < line.size() && character < column; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    out += line[i] == '\t' ? '\t' : ' ';
    ++character;
  }
  out += '^';
  if (width > 1) out.append(width - 1, '~');
  return out;
}

}  // namespace

std::string render_text(const std::vector<Diagnostic>& diagnostics, const SourceSet& sources, bool colour) {
  std::ostringstream out;
  const char* bold = colour ? "\033[1m" : "";
  const char* reset = colour ? "\033[0m" : "";
  for (const Diagnostic& d : diagnostics) {
    const char* tone = !colour ? "" : d.severity == Severity::error ? "\033[1;31m" : "\033[1;35m";
    if (d.range.file == no_file) {
      out << bold << "waymark: " << reset << tone << severity_word(d.severity) << ":" << reset << " "
          << printable(d.message) << " [" << d.code << "]\n";
    } else {
      const Located at = locate(d, sources);
      out << bold << printable(at.file) << ":" << at.start.line << ":" << at.start.column << ":" << reset << " " << tone
          << severity_word(d.severity) << ":" << reset << " " << printable(d.message) << " [" << d.code << "]\n";
      const SourceFile& file = sources.file(d.range.file);
      const std::string_view line = file.line_text(at.start.line);
      // Only rule files' lines are quoted (issue 10.5): a case file's lines may carry a pupil's name
      // or UPN, and any other file (a manifest path gone wrong, a calendar) may hold anything.
      if (file.shows_lines() && (!line.empty() || at.start.column == 1)) {
        const std::size_t width =
            at.end.line == at.start.line && at.end.column > at.start.column ? at.end.column - at.start.column : 1;
        char number[32];
        std::snprintf(number, sizeof number, "%5zu", at.start.line);
        // A rule file's line may hold escape sequences: shown made visible, the caret moved to match.
        const std::string shown = printable(line, true);
        std::size_t column = at.start.column;
        if (shown.size() != line.size()) {
          std::size_t cut = 0;  // the byte where the column's character starts
          for (std::size_t character = 1; cut < line.size() && character < at.start.column; ++character) {
            ++cut;
            while (cut < line.size() && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) ++cut;
          }
          column = count_characters(printable(line.substr(0, cut), true)) + 1;
        }
        out << number << " | " << shown << "\n";
        out << "      | " << tone << caret_line(shown, column, width) << reset << "\n";
      }
    }
    for (const std::string& note : d.notes) out << "      = note: " << printable(note) << "\n";
  }
  return out.str();
}

std::string render_json(const std::vector<Diagnostic>& diagnostics, const SourceSet& sources) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const Diagnostic& d : diagnostics) {
    nlohmann::ordered_json j;
    const Located at = locate(d, sources);
    j["file"] = d.range.file == no_file ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(at.file);
    j["line"] = d.range.file == no_file ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(at.start.line);
    j["column"] = d.range.file == no_file ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(at.start.column);
    j["end_line"] = d.range.file == no_file ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(at.end.line);
    j["end_column"] = d.range.file == no_file ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(at.end.column);
    j["severity"] = severity_word(d.severity);
    j["code"] = d.code;
    j["message"] = d.message;
    j["notes"] = d.notes;
    array.push_back(std::move(j));
  }
  return array.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
  // Near enough: at most a third of the word's letters wrong (and at least one allowed).
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance || (d == best_distance && !best.empty() && c < best)) {
      best = c;
      best_distance = d;
    }
  }
  return best_distance <= limit ? best : std::string();
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = nearest_name(word, candidates);
  return best.empty() ? std::string() : "; did you mean '" + best + "'?";
}

}  // namespace waymark::dsl
