#pragma once
// Private to the CSV loader (case_csv.cpp): one CSV file of the CSV form being read, with its header's
// columns, its rows as cells, and its share of the error budget (max_errors_per_file).

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "csv_reader.hpp"
#include "waymark/dsl/diagnostic.hpp"
#include "waymark/dsl/source.hpp"
#include "waymark/engine/case_loader.hpp"

namespace waymark::engine::detail {

// One CSV file being read: its rows, its header, and its share of the error budget.
class CsvFile {
public:
  CsvFile(const dsl::SourceSet& sources, dsl::FileId file, dsl::Diagnostics& diagnostics)
      : source_(sources.file(file)), file_(file), reader_(source_.text()), diagnostics_(diagnostics) {}

  const std::string& path() const { return source_.path(); }
  std::string name() const {
    const std::string& p = source_.path();
    const auto slash = p.find_last_of('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
  }

  void error(std::size_t offset, std::size_t length, const char* code, std::string message) {
    ++errors_;
    if (errors_ <= max_errors_per_file) {
      diagnostics_.error({file_, offset, offset + std::max<std::size_t>(length, 1)}, code, std::move(message));
    } else if (errors_ == max_errors_per_file + 1) {
      diagnostics_.error({file_, source_.text().size(), source_.text().size()}, "too-many-errors",
                         "more than " + std::to_string(max_errors_per_file) +
                             " errors in this file; fix these and load it again");
    }
  }
  void error(const CsvCell& cell, const char* code, std::string message) {
    error(cell.offset, cell.text.size() + (cell.quoted ? 2 : 0), code, std::move(message));
  }
  bool stopped() const { return errors_ > max_errors_per_file; }
  bool failed() const { return errors_ > 0; }

  // The text check of the whole file, once (dsl::check_text): UTF-16, NUL, CR-only line ends, a
  // stray byte-order mark and bad UTF-8 are reported at their position.
  bool valid_text(const dsl::SourceSet& sources) {
    if (dsl::check_text(sources, file_, diagnostics_)) return true;
    ++errors_;
    return false;
  }

  // Reads the header and maps each column name to its position; unknown, repeated and missing columns are errors.
  bool header(const std::vector<std::string>& allowed, const std::vector<std::string>& required) {
    CsvProblem problem;
    if (!reader_.next(cells_, problem)) {
      error(0, 1, "missing-column", name() + " is empty: it needs a header row naming its columns (" + join(required) + ", ...)");
      return false;
    }
    if (problem.found) {
      error(problem.offset, 1, "csv-syntax", problem.message);
      return false;
    }
    bool ok = true;
    columns_.assign(allowed.size(), npos);
    width_ = cells_.size();
    // Cells are never quoted back: a file without a header has a pupil's data in its first row.
    const bool any_known = std::any_of(cells_.begin(), cells_.end(), [&](const CsvCell& c) {
      return std::find(allowed.begin(), allowed.end(), std::string(c.text)) != allowed.end();
    });
    if (!any_known) {
      error(reader_.row_offset(), 1, "missing-column",
            name() + " has no header row: its first line must name the columns (" + join(allowed) + ")");
      return false;
    }
    for (std::size_t c = 0; c < cells_.size(); ++c) {
      const std::string name(cells_[c].text);
      const auto at = std::find(allowed.begin(), allowed.end(), name);
      if (at == allowed.end()) {
        error(cells_[c], "unknown-column", "unknown column in " + this->name() +
                                               dsl::did_you_mean(name, allowed) + " (columns: " + join(allowed) + ")");
        ok = false;
        continue;
      }
      std::size_t& slot = columns_[static_cast<std::size_t>(at - allowed.begin())];
      if (slot != npos) {
        error(cells_[c], "duplicate-column", "this column appears twice in the header; keep one");
        ok = false;
        continue;
      }
      slot = c;
    }
    for (const std::string& r : required) {
      if (columns_[static_cast<std::size_t>(std::find(allowed.begin(), allowed.end(), r) - allowed.begin())] == npos) {
        error(reader_.row_offset(), 1, "missing-column", this->name() + " needs a column '" + r + "' in its header row");
        ok = false;
      }
    }
    return ok;
  }

  // The next data row with as many cells as the header; rows with syntax problems are reported and skipped.
  bool row() {
    for (;;) {
      if (stopped() || reader_.position() >= end_) return false;
      CsvProblem problem;
      if (!reader_.next(cells_, problem)) return false;
      if (problem.found) {
        error(problem.offset, 1, "csv-syntax", problem.message);
        continue;
      }
      if (cells_.size() != width_) {
        error(reader_.row_offset(), 1, "field-count",
              "this row has " + std::to_string(cells_.size()) + " cells but the header names " +
                  std::to_string(width_) + " columns: check for a missing or extra comma, or quote the cell");
        continue;
      }
      return true;
    }
  }

  // The cell of column `c` (an index into the `allowed` list given to header()), or null when absent.
  const CsvCell* cell(std::size_t c) const { return columns_[c] == npos ? nullptr : &cells_[columns_[c]]; }
  std::string_view text() const { return source_.text(); }
  std::size_t position() const { return reader_.position(); }
  void seek(std::size_t position) { reader_.seek(position); }
  dsl::Diagnostics& diagnostics() { return diagnostics_; }
  /// Rows are read up to `end` (the start of a line), for reading part of a file.
  void stop_at(std::size_t end) { end_ = end; }
  std::size_t width() const { return width_; }
  std::size_t column(std::size_t c) const { return columns_[c]; }
  const std::vector<CsvCell>& cells() const { return cells_; }
  std::size_t row_offset() const { return reader_.row_offset(); }
  std::size_t offset_in(const CsvCell& cell, std::size_t index) const { return reader_.offset_in(cell, index); }
  dsl::FileId id() const { return file_; }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

private:
  const dsl::SourceFile& source_;
  dsl::FileId file_;
  CsvReader reader_;
  dsl::Diagnostics& diagnostics_;
  std::vector<CsvCell> cells_;
  std::vector<std::size_t> columns_;
  std::size_t width_ = 0;
  std::size_t errors_ = 0;
  std::size_t end_ = npos;
};

}  // namespace waymark::engine::detail
