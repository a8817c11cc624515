// The parse stage: one declaration at a time through the grammar (grammar.cpp), syntax errors as
// `syntax` diagnostics, and recovery at the next line starting with `rule` or `param`
// (language.md §8). No Spirit here.

#include "waymark/dsl/parse.hpp"

#include <algorithm>
#include <exception>
#include <limits>

#include "lexer.hpp"
#include "waymark/dsl/keywords.hpp"
#include "x3_ast.hpp"

namespace waymark::dsl {
namespace grammar {
namespace {

bool is_clause_word(std::string_view word) {
  return word == "category" || word == "severity" || word == "for" || word == "when" || word == "unless" ||
         word == "suggest" || word == "notify" || word == "cite";
}

// Expectations made between a rule's clauses, where a misplaced clause keyword deserves its own message.
bool between_clauses(const std::string& which) {
  return which == "'when'" || which == "'and', 'or', 'unless' or an action ('suggest' or 'notify')" ||
         which == "'and', 'or' or an action ('suggest' or 'notify')" ||
         which == "another action, 'cite', or a new 'rule' or 'param'" || which == "a new 'rule' or 'param'";
}

bool names_something(const std::string& which) {
  return which == "a variable" || which == "a parameter name" || which == "a rule id" || which == "a name";
}

std::string when_expected(ClausePhase phase) {
  switch (phase) {
    case ClausePhase::title: return "'when' or a clause ('category', 'severity', 'for each')";
    case ClausePhase::category: return "'when' or a clause ('severity', 'for each')";
    case ClausePhase::severity: return "'when' or 'for each'";
    case ClausePhase::for_each: break;
  }
  return "'when'";
}

}  // namespace

void report_expectation(ParseState& state, std::size_t where, const std::string& which) {
  if (which == hard_error_marker && state.hard) {
    state.error = std::move(state.hard);
    state.hard.reset();
    return;
  }
  const std::string_view text = state.text;
  // language.md §8: the column is that of the first character of the offending token.
  const std::size_t at = lexer::skip_blank(text, std::min(where, text.size()));
  const std::size_t end = lexer::token_end(text, at);
  const std::string_view token = text.substr(at, end - at);
  const std::string_view word = text.substr(at, lexer::word_end(text, at) - at);
  const std::string before = lexer::previous_token(text, at, *state.comments);
  const std::string after = before.empty() ? std::string() : " after '" + before + "'";

  std::string message;
  if (state.in_rule && between_clauses(which) && is_clause_word(word)) {
    if (which == "'when'" && (word == "unless" || word == "suggest" || word == "notify" || word == "cite")) {
      message = "expected 'when' before '" + std::string(word) + "': every rule needs a 'when' condition";
    } else {
      message = "'" + std::string(word == "for" ? "for each" : word) +
                "' is out of place: a rule's clauses come in the order category, severity, for each, when, unless, "
                "actions (suggest, notify), cite, and only the actions may repeat";
    }
  } else if (which == "'when'") {
    message = "expected " + when_expected(state.phase) + after;
  } else {
    message = "expected " + which + after;
    if (names_something(which) && !word.empty() && word == token) {
      if (is_keyword(word)) {
        message += " ('" + std::string(word) + "' is a keyword)";
      } else if (is_unit_word(word)) {
        message += " ('" + std::string(word) + "' is a unit word)";
      }
    }
    if (which == "a rule id") {
      // language.md §2: `[a-z][a-z0-9-]*`; say so when the token looks meant as an id.
      std::size_t stop = at;
      while (stop < text.size() && (lexer::is_word_char(text[stop]) || text[stop] == '-' ||
                                    (text[stop] >= 'A' && text[stop] <= 'Z'))) {
        ++stop;
      }
      const std::string_view id = text.substr(at, stop - at);
      if (!id.empty() && !is_keyword(id) &&
          (!lexer::is_word_start(id.front()) || id.find_first_of("_ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos)) {
        message += " (a rule id is lower-case letters, digits and '-', starting with a letter)";
      }
    }
  }
  state.error = lexer::Problem{at, end, std::move(message)};
}

}  // namespace grammar

RuleFile parse(const SourceSet& sources, FileId file, Diagnostics& diagnostics) {
  RuleFile out;
  out.file = file;
  try {
    const std::string_view text = sources.file(file).text();
    // Spans are 32-bit offsets; read_source already refuses files this large.
    if (text.size() >= std::numeric_limits<std::uint32_t>::max()) {
      diagnostics.error({file, 0, 0}, "syntax", "file too large to parse");
      return out;
    }
    out.comments = lexer::collect_comments(text);

    grammar::ParseState state;
    state.text = text;
    state.comments = &out.comments;
    // Editors on Windows may start a UTF-8 file with a byte-order mark; it is not a token.
    std::size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    pos = lexer::skip_blank(text, pos);
    while (pos < text.size()) {
      const std::size_t start = pos;
      state.depth = 0;
      state.phase = grammar::ClausePhase::title;
      state.in_rule = false;
      state.hard.reset();
      state.error.reset();
      Declaration declaration;
      if (grammar::parse_declaration(state, pos, declaration)) {
        out.declarations.push_back(std::move(declaration));
        pos = lexer::skip_blank(text, pos);
        continue;
      }
      lexer::Problem problem =
          state.error ? std::move(*state.error)
                      : lexer::Problem{start, lexer::token_end(text, start), "expected 'rule' or 'param'"};
      diagnostics.error({file, problem.begin, problem.end}, "syntax", std::move(problem.message));
      // language.md §8: resume at the next line starting with `rule` or `param` (one error per declaration).
      pos = lexer::next_declaration(text, start);
    }
  } catch (const std::exception& e) {
    // parse() never throws (parse.hpp); reaching here is a bug in the parser, reported as such.
    diagnostics.error({file, 0, 0}, "syntax", std::string("internal error in the parser: ") + e.what());
  }
  return out;
}

}  // namespace waymark::dsl
