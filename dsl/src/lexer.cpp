#include "lexer.hpp"

#include <algorithm>
#include <array>

namespace waymark::dsl::lexer {
namespace {

bool is_line_break(char c) { return c == '\n' || c == '\r'; }

// A string ends on its line (language.md §2); `\r` counts as the end so that CRLF files behave.
bool ends_string(std::string_view text, std::size_t i) { return i >= text.size() || is_line_break(text[i]); }

// The end of the line at `pos`, before its line break (`\n` or `\r\n`).
std::size_t line_end(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && text[end] != '\n') ++end;
  if (end > pos && text[end - 1] == '\r') --end;
  return end;
}

std::optional<DurationUnit> unit_of(std::string_view word) {
  if (word == "day" || word == "days") return DurationUnit::day;
  if (word == "week" || word == "weeks") return DurationUnit::week;
  if (word == "month" || word == "months") return DurationUnit::month;
  if (word == "year" || word == "years") return DurationUnit::year;
  return std::nullopt;
}

// Only blanks (not comments) may separate a number from its unit, so that the literal's text is the
// source slice the formatter prints (language.md §10: numbers as written).
std::size_t skip_spaces(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_blank(text[pos])) ++pos;
  return pos;
}

std::string quote_char(std::string_view text, std::size_t pos) {
  const std::size_t n = std::max<std::size_t>(1, utf8_length(text, pos));
  return std::string(text.substr(pos, std::min(n, text.size() - pos)));
}

// Shared by plain strings and texts: an escape at `i` (text[i] == '\\'), appended to `out`.
std::optional<Problem> take_escape(std::string_view text, std::size_t open, std::size_t& i, std::string& out) {
  if (ends_string(text, i + 1)) return Problem{open, open + 1, "unterminated string"};
  const char next = text[i + 1];
  if (next == '"' || next == '\\') {
    out += next;
    i += 2;
    return std::nullopt;
  }
  const std::size_t len = std::max<std::size_t>(1, utf8_length(text, i + 1));
  return Problem{i, std::min(text.size(), i + 1 + len),
                 "unknown escape '\\" + quote_char(text, i + 1) + "' in a string: only \\\" and \\\\ are allowed"};
}

// Shared by plain strings and texts: one plain character at `i`, which must be valid UTF-8 because
// titles and texts end up in JSON output.
std::optional<Problem> take_char(std::string_view text, std::size_t& i, std::string& out) {
  const std::size_t len = utf8_length(text, i);
  if (len == 0) return Problem{i, i + 1, "invalid UTF-8 in a string"};
  out.append(text.substr(i, len));
  i += len;
  return std::nullopt;
}

}  // namespace

std::size_t skip_blank(std::string_view text, std::size_t pos) {
  while (pos < text.size()) {
    const char c = text[pos];
    if (is_blank(c)) {
      ++pos;
    } else if (c == '#') {
      while (pos < text.size() && text[pos] != '\n') ++pos;
    } else {
      break;
    }
  }
  return pos;
}

std::size_t word_end(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || !is_word_start(text[pos])) return pos;
  ++pos;
  while (pos < text.size() && is_word_char(text[pos])) ++pos;
  return pos;
}

bool word_at(std::string_view text, std::size_t pos, std::string_view word) {
  const std::size_t end = word_end(text, pos);
  return end - pos == word.size() && text.substr(pos, word.size()) == word;
}

bool is_structural_word(std::string_view word) {
  static constexpr std::array<std::string_view, 10> words{"rule",   "param",  "category", "severity", "for",
                                                          "when",   "unless", "suggest",  "notify",   "cite"};
  return std::find(words.begin(), words.end(), word) != words.end();
}

Scanned scan_numeric(std::string_view text, std::size_t pos) {
  Scanned out;
  if (pos >= text.size() || !is_digit(text[pos])) return out;
  out.found = true;

  // language.md §2: `DDDD-DD-DD` is always a date token, never a subtraction.
  const auto digits = [&](std::size_t from, std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
      if (from + k >= text.size() || !is_digit(text[from + k])) return false;
    }
    return true;
  };
  if (digits(pos, 4) && pos + 4 < text.size() && text[pos + 4] == '-' && digits(pos + 5, 2) && pos + 7 < text.size() &&
      text[pos + 7] == '-' && digits(pos + 8, 2)) {
    out.end = pos + 10;
    const std::string_view token = text.substr(pos, 10);
    if (const auto date = Date::parse_iso(token)) {
      out.value = *date;
    } else {
      out.problem = Problem{pos, out.end, "impossible date '" + std::string(token) + "'"};
    }
    return out;
  }

  std::size_t end = pos;
  while (end < text.size() && is_digit(text[end])) ++end;
  if (end + 1 < text.size() && text[end] == '.' && is_digit(text[end + 1])) {
    ++end;
    while (end < text.size() && is_digit(text[end])) ++end;
  }
  const std::string_view number_text = text.substr(pos, end - pos);
  const auto number = Rational::parse_decimal(number_text);
  if (!number) {
    out.end = end;
    out.problem = Problem{pos, end, "number too large"};
    return out;
  }
  if (end < text.size() && text[end] == '%') {
    out.end = end + 1;
    out.value = Percent{*number};
    return out;
  }

  // A duration: a whole number and a unit word; `school` is a unit only before `day`/`days` or
  // (version 2) `week`/`weeks`.
  const std::size_t unit_begin = skip_spaces(text, end);
  const std::size_t unit_stop = word_end(text, unit_begin);
  const std::string_view unit_word = text.substr(unit_begin, unit_stop - unit_begin);
  std::optional<DurationUnit> unit = unit_of(unit_word);
  std::size_t unit_end = unit_stop;
  if (!unit && unit_word == "school") {
    const std::size_t day_begin = skip_spaces(text, unit_stop);
    const std::size_t day_end = word_end(text, day_begin);
    const std::string_view day_word = text.substr(day_begin, day_end - day_begin);
    if (day_word == "day" || day_word == "days") {
      unit = DurationUnit::school_day;
      unit_end = day_end;
    } else if (day_word == "week" || day_word == "weeks") {
      unit = DurationUnit::school_week;
      unit_end = day_end;
    }
  }
  if (unit) {
    out.end = unit_end;
    if (!number->is_whole()) {
      out.problem = Problem{pos, end, "a duration needs a whole number, not '" + std::string(number_text) + "'"};
      return out;
    }
    out.value = Duration{number->numerator(), *unit};
    return out;
  }
  out.end = end;
  out.value = *number;
  return out;
}

Scanned scan_string(std::string_view text, std::size_t pos) {
  Scanned out;
  if (pos >= text.size() || text[pos] != '"') return out;
  out.found = true;
  std::string value;
  std::size_t i = pos + 1;
  while (true) {
    if (ends_string(text, i)) {
      out.problem = Problem{pos, pos + 1, "unterminated string"};
      out.end = i;
      return out;
    }
    const char c = text[i];
    if (c == '"') break;
    std::optional<Problem> problem = c == '\\' ? take_escape(text, pos, i, value) : take_char(text, i, value);
    if (problem) {
      out.problem = std::move(problem);
      out.end = i;
      return out;
    }
  }
  out.end = i + 1;
  out.value = std::move(value);
  return out;
}

ScannedText scan_text(std::string_view text, std::size_t pos) {
  ScannedText out;
  if (pos >= text.size() || text[pos] != '"') return out;
  out.found = true;
  std::string run;
  std::size_t run_begin = pos + 1;
  const auto flush = [&](std::size_t run_end) {
    if (run_end > run_begin) out.pieces.push_back({false, std::move(run), run_begin, run_end});
    run.clear();
  };
  const auto fail = [&](Problem p) {
    out.problem = std::move(p);
    out.pieces.clear();
    return out;
  };
  // An unterminated string is reported as such (at its quote) before anything inside it.
  std::size_t close = pos + 1;
  while (!ends_string(text, close) && text[close] != '"') close += text[close] == '\\' && !ends_string(text, close + 1) ? 2 : 1;
  if (ends_string(text, close)) return fail({pos, pos + 1, "unterminated string"});
  std::size_t i = pos + 1;
  while (true) {
    if (ends_string(text, i)) return fail({pos, pos + 1, "unterminated string"});
    const char c = text[i];
    if (c == '"') break;
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      run += '{';
      i += 2;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      run += '}';
      i += 2;
    } else if (c == '}') {
      return fail({i, i + 1, "a lone '}' in a text: write '}}' for a literal brace"});
    } else if (c == '{') {
      // An interpolated expression contains no `"`, `{` or `}` (language.md §2), so it ends at the next `}`.
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != '}' && text[j] != '{' && text[j] != '"' && !is_line_break(text[j])) ++j;
      if (j < text.size() && text[j] == '{') {
        return fail({j, j + 1, "a '{' inside an interpolation: interpolations do not nest"});
      }
      if (j >= text.size() || text[j] != '}') {
        return fail({i, i + 1, "a lone '{' in a text: close the interpolation with '}', or write '{{' for a literal brace"});
      }
      flush(i);
      out.pieces.push_back({true, {}, i, j + 1});
      i = j + 1;
      run_begin = i;
    } else {
      std::optional<Problem> problem = c == '\\' ? take_escape(text, pos, i, run) : take_char(text, i, run);
      if (problem) return fail(std::move(*problem));
    }
  }
  flush(i);
  out.end = i + 1;
  return out;
}

bool is_code_in_list(std::string_view text, std::size_t at) {
  std::size_t before = at;
  while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t')) --before;
  std::size_t after = at + 1;
  while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
  return before > 0 && (text[before - 1] == '[' || text[before - 1] == ',') && after < text.size() &&
         (text[after] == ',' || text[after] == ']');
}

std::vector<Comment> collect_comments(std::string_view text) {
  std::vector<Comment> out;
  bool in_string = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      in_string = false;  // strings end on their line, terminated or not
      ++i;
    } else if (in_string) {
      if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
        i += 2;
      } else {
        if (c == '"') in_string = false;
        ++i;
      }
    } else if (c == '"') {
      in_string = true;
      ++i;
    } else if (c == '#' && is_code_in_list(text, i)) {
      ++i;  // version 2: `#` is an attendance code in `[/, #]`, not a comment
    } else if (c == '#') {
      const std::size_t end = line_end(text, i);
      out.push_back({std::string(text.substr(i, end - i)),
                     Span{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(end)}});
      i = end;
    } else {
      ++i;
    }
  }
  return out;
}

std::size_t token_end(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return pos;
  const char c = text[pos];
  if (c == '"') {
    std::size_t i = pos + 1;
    while (!ends_string(text, i) && text[i] != '"') i += text[i] == '\\' && !ends_string(text, i + 1) ? 2 : 1;
    return ends_string(text, i) ? i : i + 1;
  }
  if (is_digit(c)) {
    std::size_t i = pos;
    while (i < text.size() && (is_digit(text[i]) || text[i] == '.' || text[i] == '-' || text[i] == '%')) ++i;
    return i;
  }
  const auto word_like = [](char ch) { return is_word_char(ch) || (ch >= 'A' && ch <= 'Z'); };
  if (word_like(c)) {
    std::size_t i = pos;
    while (i < text.size() && word_like(text[i])) ++i;
    return i;
  }
  if (pos + 1 < text.size()) {
    const std::string_view two = text.substr(pos, 2);
    if (two == "<=" || two == ">=" || two == "!=" || two == "..") return pos + 2;
  }
  return std::min(text.size(), pos + std::max<std::size_t>(1, utf8_length(text, pos)));
}

std::string previous_token(std::string_view text, std::size_t pos, const std::vector<Comment>& comments) {
  std::size_t p = std::min(pos, text.size());
  while (true) {
    while (p > 0 && is_blank(text[p - 1])) --p;
    if (p == 0) return {};
    // A comment ending here is skipped as a whole.
    const auto after = std::upper_bound(comments.begin(), comments.end(), p - 1,
                                        [](std::size_t offset, const Comment& c) { return offset < c.span.begin; });
    if (after != comments.begin() && std::prev(after)->span.end >= p && std::prev(after)->span.begin < p) {
      p = std::prev(after)->span.begin;
      continue;
    }
    break;
  }
  std::size_t begin = p - 1;
  const char last = text[begin];
  if (last == '"') {
    // The string token ending here: find it by scanning its line from the start.
    std::size_t line = begin;
    while (line > 0 && text[line - 1] != '\n') --line;
    std::size_t i = line;
    std::size_t open = begin;
    while (i < p) {
      if (text[i] != '"') {
        ++i;
        continue;
      }
      const std::size_t start = i++;
      while (!ends_string(text, i) && text[i] != '"') i += text[i] == '\\' && !ends_string(text, i + 1) ? 2 : 1;
      if (ends_string(text, i)) break;
      if (i + 1 == p) {
        open = start;
        break;
      }
      ++i;
    }
    begin = open;
  } else if (is_word_char(last) || last == '.' || last == '%' || last == '-' || (last >= 'A' && last <= 'Z')) {
    const auto part = [](char ch) {
      return is_word_char(ch) || ch == '.' || ch == '%' || ch == '-' || (ch >= 'A' && ch <= 'Z');
    };
    while (begin > 0 && part(text[begin - 1])) --begin;
  } else if (begin > 0) {
    const std::string_view two = text.substr(begin - 1, 2);
    if (two == "<=" || two == ">=" || two == "!=" || two == "..") {
      --begin;
    } else {
      while (begin > 0 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) --begin;
    }
  }
  std::string token(text.substr(begin, p - begin));
  if (token.size() > 40) {
    std::size_t cut = 36;
    while (cut > 0 && (static_cast<unsigned char>(token[cut]) & 0xC0) == 0x80) --cut;
    token = token.substr(0, cut) + "...";
  }
  return token;
}

std::size_t next_declaration(std::string_view text, std::size_t from) {
  std::size_t i = text.find('\n', std::min(from, text.size()));
  while (i != std::string_view::npos) {
    std::size_t q = i + 1;
    while (q < text.size() && text[q] != '\n' && is_blank(text[q])) ++q;
    if (word_at(text, q, "rule") || word_at(text, q, "param")) return q;
    i = text.find('\n', q);
  }
  return text.size();
}

std::size_t utf8_length(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (pos + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(pos + k);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

}  // namespace waymark::dsl::lexer
