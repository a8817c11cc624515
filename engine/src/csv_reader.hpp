#pragma once
// Private to the CSV loader: an RFC 4180 reader over a file held in memory. Cells are views into the
// file (or into one reused buffer when a quoted cell doubles a quote), so reading allocates nothing per cell.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace waymark::engine::detail {

/// One cell: its text (quotes removed, doubled quotes undone) and where its raw text starts.
struct CsvCell {
  std::string_view text;
  std::size_t offset = 0;  // byte offset of the cell's first raw character (the opening quote, if quoted)
  bool quoted = false;
  bool unescaped = false;  // the text differs from the raw bytes (a doubled quote was undone)
};

/// A syntax problem in a row; the reader has skipped to the next line.
struct CsvProblem {
  bool found = false;
  std::size_t offset = 0;
  std::string message;
};

/// Reads rows of comma-separated cells; accepts LF and CRLF line ends and skips a UTF-8 byte order mark.
class CsvReader {
public:
  explicit CsvReader(std::string_view text);

  /// Reads the next non-empty row into `cells`; false at the end of the file. On a syntax problem,
  /// returns true with `problem.found` set and `cells` incomplete.
  bool next(std::vector<CsvCell>& cells, CsvProblem& problem);
  /// Where the next row will be read from; seek() moves there (the start of a line).
  std::size_t position() const { return pos_; }
  void seek(std::size_t position) { pos_ = position; }
  /// The byte offset where the last row read starts.
  std::size_t row_offset() const { return row_; }
  /// The byte offset of character `index` of a cell's text, for messages about part of a cell.
  std::size_t offset_in(const CsvCell& cell, std::size_t index) const;

private:
  void skip_line();

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t row_ = 0;
  std::string scratch_;
  std::vector<std::pair<std::size_t, std::size_t>> pending_;  // cell index -> scratch start, for unescaped cells
};

}  // namespace waymark::engine::detail
