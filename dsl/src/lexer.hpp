#pragma once
// The lexical rules of language.md §2 as plain functions over the source text. The grammar's token
// parsers (grammar_def.hpp), the comment collector, error recovery and syntax messages share them,
// so that they all agree on what a word, a string or a comment is.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "waymark/dsl/syntax_tree.hpp"

namespace waymark::dsl::lexer {

/// language.md §2: nesting deeper than this many levels is a syntax error, never a crash.
inline constexpr int max_nesting = 100;

inline bool is_word_start(char c) { return c >= 'a' && c <= 'z'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_word_char(char c) { return is_word_start(c) || is_digit(c) || c == '_'; }
/// Whitespace between tokens; `\r` is whitespace, so `\r\n` works as a line break.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/// A lexical or syntax problem: the byte range of the offending token and what is wrong.
struct Problem {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string message;
};

/// The offset after the whitespace and `#` comments starting at `pos`.
std::size_t skip_blank(std::string_view text, std::size_t pos);
/// The end of the word `[a-z][a-z0-9_]*` at `pos`; `pos` itself when no word starts there.
std::size_t word_end(std::string_view text, std::size_t pos);
/// True when `word` is at `pos` as a whole word (language.md §2: no `[a-z0-9_]` follows it).
bool word_at(std::string_view text, std::size_t pos, std::string_view word);
/// True for the words that start a declaration or a clause; they never name a kind, role or category,
/// so that a rule missing a name cannot swallow the next clause or declaration.
bool is_structural_word(std::string_view word);

/// A literal token found by a scanner: its end and value, or the problem that makes it invalid.
struct Scanned {
  bool found = false;
  std::size_t end = 0;
  LiteralValue value;
  std::optional<Problem> problem;
};

/// A number, percent, date or duration at `pos` (language.md §2); not found unless a digit is there.
Scanned scan_numeric(std::string_view text, std::size_t pos);
/// A string literal at `pos` whose braces are plain text (`cite`, descriptions, string values).
Scanned scan_string(std::string_view text, std::size_t pos);

/// A piece of a text: a run of plain characters (escapes and `{{`/`}}` resolved), or one
/// interpolation whose braces are at `begin` and `end - 1`.
struct TextPiece {
  bool interpolation = false;
  std::string text;
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// A text with interpolations (rule titles, `suggest` texts) found at `pos`.
struct ScannedText {
  bool found = false;
  std::size_t end = 0;
  std::vector<TextPiece> pieces;
  std::optional<Problem> problem;
};

/// Scans the string at `pos`, splitting it at `{expr}` interpolations (language.md §2, §6).
ScannedText scan_text(std::string_view text, std::size_t pos);

/// True when the `#` at `at` stands alone between `[` or `,` and `,` or `]`: an attendance code in a
/// code list (version 2: `sessions coded [#]`), not the start of a comment.
bool is_code_in_list(std::string_view text, std::size_t at);

/// Every `#` comment outside strings, in source order.
std::vector<Comment> collect_comments(std::string_view text);

/// The end of the token starting at `pos` (for caret ranges); `pos` at the end of the text.
std::size_t token_end(std::string_view text, std::size_t pos);
/// The token before `pos`, skipping whitespace and comments, as it should be quoted in a message
/// ("after 'within'"); empty at the start of the file.
std::string previous_token(std::string_view text, std::size_t pos, const std::vector<Comment>& comments);
/// Where parsing resumes after a syntax error in the declaration starting at `from` (language.md §8):
/// the first token of the next line that starts with `rule` or `param`, or the end of the text.
std::size_t next_declaration(std::string_view text, std::size_t from);

/// The length of the valid UTF-8 sequence at `pos`, or 0 when the bytes there are not valid UTF-8.
std::size_t utf8_length(std::string_view text, std::size_t pos);

}  // namespace waymark::dsl::lexer
