#include "csv_reader.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace waymark::engine::detail {

namespace {

// The first ',', '\n' or '"' of data[p, n), or n: where an unquoted cell ends or goes wrong. Sixteen
// bytes at a time where SSE2 is there (every x86-64 processor): case files are millions of short cells.
std::size_t cell_end(const char* data, std::size_t p, std::size_t n) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  for (; p + 16 <= n; p += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + p));
    const __m128i found = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, comma), _mm_cmpeq_epi8(bytes, newline)),
                                       _mm_cmpeq_epi8(bytes, quote));
    const auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(found));
    if (mask != 0) return p + static_cast<std::size_t>(std::countr_zero(mask));
  }
#endif
  for (; p < n; ++p) {
    const char c = data[p];
    if (c == ',' || c == '\n' || c == '"') return p;
  }
  return n;
}

}  // namespace

CsvReader::CsvReader(std::string_view text) : text_(text) {
  // Spreadsheet programs often start UTF-8 CSV with a byte order mark.
  if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

void CsvReader::skip_line() {
  const std::size_t nl = text_.find('\n', pos_);
  pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
}

bool CsvReader::next(std::vector<CsvCell>& cells, CsvProblem& problem) {
  cells.clear();
  scratch_.clear();
  pending_.clear();
  problem = {};
  const std::size_t n = text_.size();
  const char* data = text_.data();
  // Blank lines carry no row (every form has at least three columns).
  while (pos_ < n && (data[pos_] == '\n' || (data[pos_] == '\r' && pos_ + 1 < n && data[pos_ + 1] == '\n'))) {
    pos_ += data[pos_] == '\r' ? 2 : 1;
  }
  if (pos_ >= n) return false;
  row_ = pos_;
  for (;;) {
    CsvCell cell;
    cell.offset = pos_;
    if (pos_ < n && data[pos_] == '"') {
      cell.quoted = true;
      std::size_t p = pos_ + 1;
      std::size_t close = 0;
      bool doubled = false;
      for (;;) {
        const void* q = p < n ? std::memchr(data + p, '"', n - p) : nullptr;
        if (q == nullptr) {
          problem = {true, cell.offset, "this quoted cell is never closed: add the closing quote"};
          pos_ = n;
          return true;
        }
        const auto at = static_cast<std::size_t>(static_cast<const char*>(q) - data);
        if (at + 1 < n && data[at + 1] == '"') {
          doubled = true;
          p = at + 2;
          continue;
        }
        close = at;
        break;
      }
      if (doubled) {
        const std::size_t start = scratch_.size();
        for (std::size_t i = pos_ + 1; i < close; ++i) {
          scratch_ += data[i];
          if (data[i] == '"') ++i;  // "" stands for one quote
        }
        cell.unescaped = true;
        pending_.emplace_back(cells.size(), start);  // its text is set once the row is complete
        cells.push_back(cell);
      } else {
        cell.text = text_.substr(pos_ + 1, close - pos_ - 1);
        cells.push_back(cell);
      }
      pos_ = close + 1;
      if (pos_ < n && data[pos_] != ',' && data[pos_] != '\n' && !(data[pos_] == '\r' && pos_ + 1 < n && data[pos_ + 1] == '\n')) {
        problem = {true, pos_, "a closing quote must be followed by a comma or the end of the line; "
                               "to put a quote inside a cell, double it (\"\")"};
        skip_line();
        return true;
      }
    } else {
      const std::size_t p = cell_end(data, pos_, n);
      if (p < n && data[p] == '"') {
        problem = {true, p, "a quote inside a cell that does not start with one: quote the whole cell and "
                            "double the quote (\"a \"\"b\"\"\")"};
        pos_ = p;
        skip_line();
        return true;
      }
      std::size_t end = p;
      if (end > pos_ && end < n && data[end] == '\n' && data[end - 1] == '\r') --end;
      else if (end == n && end > pos_ && data[end - 1] == '\r') --end;
      cell.text = text_.substr(pos_, end - pos_);
      cells.push_back(cell);
      pos_ = p;
    }
    if (pos_ >= n) break;
    if (data[pos_] == ',') {
      ++pos_;
      continue;  // a comma at the end of a line leaves an empty last cell, read next time round
    }
    if (data[pos_] == '\r') ++pos_;
    ++pos_;  // the line feed
    break;
  }
  // The scratch buffer may have moved while the row grew: point unescaped cells at it now.
  for (std::size_t k = 0; k < pending_.size(); ++k) {
    const std::size_t start = pending_[k].second;
    const std::size_t stop = k + 1 < pending_.size() ? pending_[k + 1].second : scratch_.size();
    cells[pending_[k].first].text = std::string_view(scratch_.data() + start, stop - start);
  }
  return true;
}

std::size_t CsvReader::offset_in(const CsvCell& cell, std::size_t index) const {
  if (!cell.quoted) return cell.offset + index;
  if (!cell.unescaped) return cell.offset + 1 + index;
  std::size_t raw = cell.offset + 1;
  for (std::size_t k = 0; k < index && raw < text_.size(); ++k) raw += text_[raw] == '"' ? 2 : 1;
  return raw;
}

}  // namespace waymark::engine::detail
