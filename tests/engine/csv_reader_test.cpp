// The general CSV reader (engine/src/csv_reader.cpp) finds where an unquoted cell ends 16 bytes at a
// time where SSE2 is there: its cells must be exactly the line split at its commas, wherever a cell
// ends relative to those 16 bytes, and a quote inside such a cell must be reported where it is.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "csv_reader.hpp"

namespace waymark::engine::detail {
namespace {

// Every row of `text` (which holds no quote) as its cells, by the definition written out plainly:
// lines end at '\n', blank lines (empty, or a lone "\r") carry no row, cells are split at commas, and
// the last cell of a line loses a '\r' before the line feed or the end of the text.
std::vector<std::vector<std::string>> reference_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string::npos ? text.size() : nl;
    std::string line = text.substr(pos, end - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (line.empty() || (line == "\r" && nl != std::string::npos)) continue;
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] != ',') continue;
      cells.push_back(line.substr(start, i - start));
      start = i + 1;
    }
    if (!cells.back().empty() && cells.back().back() == '\r') cells.back().pop_back();
    rows.push_back(cells);
  }
  return rows;
}

std::vector<std::vector<std::string>> read_rows(const std::string& text) {
  CsvReader reader(text);
  std::vector<std::vector<std::string>> rows;
  std::vector<CsvCell> cells;
  CsvProblem problem;
  while (reader.next(cells, problem)) {
    EXPECT_FALSE(problem.found) << problem.message;
    std::vector<std::string> row;
    for (const CsvCell& c : cells) row.emplace_back(c.text);
    rows.push_back(row);
  }
  return rows;
}

TEST(CsvReader, UnquotedCellsAreTheLineSplitAtItsCommasOnRandomText) {
  // Cells of 0 to 40 bytes, so that they end before, at and after each 16-byte step; lone CRs too.
  std::mt19937 random(20261208);
  const std::string alphabet = "ab,,,\r\n\n-/\\0123456789xyzXYZ";
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 120);
    for (int i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
    ASSERT_EQ(read_rows(text), reference_rows(text)) << text;
  }
}

TEST(CsvReader, AQuoteInsideAnUnquotedCellIsReportedWhereItIs) {
  for (std::size_t before = 0; before < 40; ++before) {
    // "id,<before letters>"<more>\n": the quote is at offset 3 + before (never at the cell's start).
    const std::string text = "id," + std::string(before + 1, 'a') + "\"bc,d\nnext,row\n";
    CsvReader reader(text);
    std::vector<CsvCell> cells;
    CsvProblem problem;
    ASSERT_TRUE(reader.next(cells, problem));
    ASSERT_TRUE(problem.found) << before;
    EXPECT_EQ(problem.offset, 3 + before + 1) << before;
    // The reader has moved on to the next line.
    ASSERT_TRUE(reader.next(cells, problem));
    EXPECT_FALSE(problem.found);
    ASSERT_EQ(cells.size(), 2u);
    EXPECT_EQ(cells[0].text, "next");
  }
}

}  // namespace
}  // namespace waymark::engine::detail
