#include "csv_reader.hpp"

#include <cstring>

namespace waymark::engine::detail {

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
      std::size_t p = pos_;
      while (p < n) {
        const char c = data[p];
        if (c == ',' || c == '\n') break;
        if (c == '"') {
          problem = {true, p, "a quote inside a cell that does not start with one: quote the whole cell and "
                              "double the quote (\"a \"\"b\"\"\")"};
          pos_ = p;
          skip_line();
          return true;
        }
        ++p;
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
