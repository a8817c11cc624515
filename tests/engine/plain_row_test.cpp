// The attendance reader's row splitter (engine/src/plain_row.hpp) takes 32 bytes at a time where SSE2
// is there and a byte at a time otherwise: both must split exactly as the definition says, wherever
// the line ends relative to those 32 bytes.
#include <gtest/gtest.h>

#include <random>

#include "plain_row.hpp"

namespace waymark::engine::detail {
namespace {

// The definition, written out plainly: the line up to '\n' (or the end), no quote, exactly N cells.
template <std::size_t N>
bool reference_split(std::string_view text, std::size_t pos, std::array<std::string_view, N>& cells,
                     std::size_t& next) {
  std::size_t nl = text.find('\n', pos);
  next = nl == std::string_view::npos ? text.size() : nl + 1;
  std::string_view line = text.substr(pos, (nl == std::string_view::npos ? text.size() : nl) - pos);
  if (line.find('"') != std::string_view::npos) return false;
  std::size_t cell = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && line[i] != ',') continue;
    if (cell == N) return false;
    cells[cell++] = line.substr(start, i - start);
    start = i + 1;
  }
  if (cell != N) return false;
  std::string_view& last = cells[N - 1];
  if (!last.empty() && last.back() == '\r') last.remove_suffix(1);  // as the full reader, even on the last line
  return true;
}

TEST(PlainRow, SplitsTheUsualAttendanceRow) {
  const std::string text = "P-0000001,2025-09-03,/,\\\nP-0000001,2025-09-04,N,N\n";
  std::array<std::string_view, 4> cells;
  std::size_t next = 0;
  ASSERT_TRUE(split_plain_row(text, 0, cells, next));
  EXPECT_EQ(cells[0], "P-0000001");
  EXPECT_EQ(cells[1], "2025-09-03");
  EXPECT_EQ(cells[2], "/");
  EXPECT_EQ(cells[3], "\\");
  EXPECT_EQ(next, 25u);
  ASSERT_TRUE(split_plain_row(text, next, cells, next));
  EXPECT_EQ(cells[3], "N");
  EXPECT_EQ(next, text.size());
}

TEST(PlainRow, RefusesQuotesAndTheWrongNumberOfCells) {
  std::array<std::string_view, 4> cells;
  std::size_t next = 0;
  EXPECT_FALSE(split_plain_row(std::string_view("\"P-1\",2025-09-03,/,\\\n"), 0, cells, next));
  EXPECT_FALSE(split_plain_row(std::string_view("P-1,2025-09-03,/\n"), 0, cells, next));
  EXPECT_FALSE(split_plain_row(std::string_view("P-1,2025-09-03,/,\\,x\n"), 0, cells, next));
  // A quote on the next line is not this row's business.
  EXPECT_TRUE(split_plain_row(std::string_view("P-1,2025-09-03,/,\\\n\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\n"), 0, cells, next));
}

TEST(PlainRow, AgreesWithTheDefinitionOnRandomRows) {
  // Rows of 0 to 40 bytes from an alphabet heavy in commas, quotes, CR and LF, in texts whose ends
  // fall anywhere: lines shorter and longer than 32 bytes, and the last line without a newline.
  std::mt19937 random(20261207);
  const std::string alphabet = "ab,,,\"\r\n-/\\0123456789";
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 90);
    for (int i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
    for (std::size_t pos = 0; pos < text.size(); pos = text.find('\n', pos) == std::string::npos ? text.size() : text.find('\n', pos) + 1) {
      if (text[pos] == '\n') continue;
      std::array<std::string_view, 4> got;
      std::array<std::string_view, 4> want;
      std::size_t got_next = 0;
      std::size_t want_next = 0;
      const bool ok = split_plain_row(std::string_view(text), pos, got, got_next);
      ASSERT_EQ(ok, reference_split(std::string_view(text), pos, want, want_next)) << text << " at " << pos;
      if (!ok) continue;
      EXPECT_EQ(got, want) << text << " at " << pos;
      EXPECT_EQ(got_next, want_next) << text << " at " << pos;
    }
  }
}

}  // namespace
}  // namespace waymark::engine::detail
