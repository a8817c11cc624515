#pragma once
// The tokens and directives of the `.wmk` grammar (language.md §2): hand-written X3 token parsers over
// lexer.hpp, the directives that bound nesting and give spans, and what each expects in messages.
// Included only by grammar_def.hpp, so that Spirit is still compiled in one translation unit
// (grammar.cpp); the rules built from these are in grammar_def.hpp.

#include <type_traits>
#include <utility>

#include "grammar.hpp"
#include "lower.hpp"
#include "waymark/dsl/keywords.hpp"

// X3 names an expectation by `what(parser)`, which is the type's name unless told otherwise. These
// make wrappers (actions, directives, sequences) report the phrase of what they wrap.
namespace boost::spirit::x3 {
template <typename Subject, typename Action>
struct get_info<action<Subject, Action>> {
  using result_type = std::string;
  std::string operator()(action<Subject, Action> const& p) const { return what(p.subject); }
};
template <typename Left, typename Right>
struct get_info<sequence<Left, Right>> {
  using result_type = std::string;
  std::string operator()(sequence<Left, Right> const& p) const { return what(p.left); }
};
template <typename Left, typename Right>
struct get_info<alternative<Left, Right>> {
  using result_type = std::string;
  std::string operator()(alternative<Left, Right> const& p) const { return what(p.left) + " or " + what(p.right); }
};
template <typename Subject>
struct get_info<expect_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(expect_directive<Subject> const& p) const { return what(p.subject); }
};
template <typename Subject>
struct get_info<plus<Subject>> {
  using result_type = std::string;
  std::string operator()(plus<Subject> const& p) const { return what(p.subject); }
};
}  // namespace boost::spirit::x3

namespace waymark::dsl::grammar {

// ---------------------------------------------------------------------------------------------
// Helpers

template <typename Context>
ParseState& state_of(Context const& context) {
  return x3::get<state_tag>(context);
}

inline Span span_at(std::size_t begin, std::size_t end) {
  return Span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}

/// Reports `problem` as the declaration's syntax error: it travels as an expectation failure so that
/// the declaration's on_error handler is the one place errors become diagnostics.
[[noreturn]] inline void fail(ParseState& state, lexer::Problem problem) {
  // A token missing at the end of the file has an empty range there, never one past it.
  problem.end = std::min(problem.end, state.text.size());
  problem.begin = std::min(problem.begin, problem.end);
  const std::size_t at = problem.begin;
  state.hard = std::move(problem);
  throw x3::expectation_failure<iterator_type>(state.base() + at, hard_error_marker);
}

/// True when a scanner found its token here; a token that is here but malformed is the syntax error
/// (fail() does not return). Works for every lexer result with `found` and `problem`.
template <typename Scanned>
bool found_here(ParseState& state, Scanned& scanned) {
  if (!scanned.found) return false;
  if (scanned.problem) fail(state, std::move(*scanned.problem));
  return true;
}

/// A literal token from what the scanner found at `pos`: its value, its text as written, its span.
inline Literal literal_at(lexer::Scanned& scanned, std::string_view text, std::size_t pos) {
  return Literal{std::move(scanned.value), std::string(text.substr(pos, scanned.end - pos)), span_at(pos, scanned.end)};
}

/// A semantic action `f(_val, _attr)` or `f(_val, _attr, state)`; lowering errors become syntax errors.
template <typename F>
auto act(F f) {
  return [f](auto& context) {
    auto& value = x3::_val(context);
    auto& attribute = x3::_attr(context);
    ParseState& state = state_of(context);
    try {
      if constexpr (std::is_invocable_v<F, decltype(value), decltype(attribute), ParseState&>) {
        f(value, attribute, state);
      } else {
        f(value, attribute);
      }
    } catch (SyntaxError& e) {
      fail(state, std::move(e.problem));
    }
  };
}

/// Where the token at `first` starts: the text a scanner may see (up to `last`, which inside an
/// interpolation is the closing brace) and the offset of the token's first character after blanks.
struct TokenStart {
  std::string_view text;
  std::size_t pos;
};
template <typename Iterator, typename Context>
TokenStart token_start(const ParseState& state, Iterator first, Iterator const& last, Context const& context) {
  x3::skip_over(first, last, context);
  return {std::string_view(state.base(), static_cast<std::size_t>(last - state.base())),
          static_cast<std::size_t>(first - state.base())};
}

template <typename Attribute>
void assign(Attribute& to, Attribute&& value) {
  to = std::move(value);
}
template <typename T>
void assign(x3::unused_type const&, T&&) {}

/// Base of the token parsers: skips blanks, scans at the first character of the token and moves
/// `first` only on success (so that a rule's match never ends in trailing blanks). `Derived::scan`
/// returns false for "not here" and calls fail() for a token that is here but wrong.
template <typename Derived, typename Attribute, bool zero_width = false>
struct token : x3::parser<Derived> {
  using attribute_type = Attribute;
  static bool const has_attribute = !std::is_same_v<Attribute, x3::unused_type>;

  template <typename Iterator, typename Context, typename RContext, typename Target>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&, Target& target) const {
    ParseState& state = state_of(context);
    const auto [text, pos] = token_start(state, first, last, context);
    Attribute value{};
    std::size_t end = pos;
    if (!static_cast<Derived const&>(*this).scan(state, text, pos, end, value)) return false;
    if constexpr (!zero_width) first = state.base() + end;
    assign(target, std::move(value));
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// Tokens (language.md §2)

/// A keyword as a whole word; its attribute is where it is.
struct keyword_parser : token<keyword_parser, Span> {
  std::string_view word;
  constexpr explicit keyword_parser(std::string_view w) : word(w) {}
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, Span& out) const {
    if (!lexer::word_at(text, pos, word)) return false;
    end = pos + word.size();
    out = span_at(pos, end);
    return true;
  }
};
inline keyword_parser kw(std::string_view word) { return keyword_parser{word}; }

/// A punctuation symbol (`(`, `]`, `..`, ...).
struct punct_parser : token<punct_parser, Span> {
  std::string_view symbol;
  constexpr explicit punct_parser(std::string_view s) : symbol(s) {}
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, Span& out) const {
    if (text.substr(pos, symbol.size()) != symbol) return false;
    end = pos + symbol.size();
    out = span_at(pos, end);
    return true;
  }
};
inline punct_parser punct(std::string_view symbol) { return punct_parser{symbol}; }

enum class NameKind {
  identifier,  // variables and parameters: never a keyword or a unit word
  vocabulary,  // kinds, fields, roles, categories, enum values: keywords allowed (`for each tier t`)
};

/// A name in a position of the given kind; `what` says what the position expects.
struct name_parser : token<name_parser, Name> {
  NameKind kind;
  std::string_view what;
  constexpr name_parser(NameKind k, std::string_view w) : kind(k), what(w) {}
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, Name& out) const {
    const std::size_t stop = lexer::word_end(text, pos);
    if (stop == pos) return false;
    const std::string_view word = text.substr(pos, stop - pos);
    if (kind == NameKind::identifier && (is_keyword(word) || is_unit_word(word))) return false;
    if (kind == NameKind::vocabulary && lexer::is_structural_word(word)) return false;
    end = stop;
    out = Name{std::string(word), span_at(pos, stop)};
    return true;
  }
};

/// A rule id: the whole token `[a-z][a-z0-9-]*`, not a keyword (it may begin with one: `no-some`).
struct rule_id_parser : token<rule_id_parser, Name> {
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, Name& out) const {
    if (pos >= text.size() || !lexer::is_word_start(text[pos])) return false;
    std::size_t stop = pos;
    bool plain = true;
    while (stop < text.size()) {
      const char c = text[stop];
      const bool id_char = lexer::is_word_start(c) || lexer::is_digit(c) || c == '-';
      if (!id_char && c != '_' && !(c >= 'A' && c <= 'Z')) break;
      plain = plain && id_char;
      ++stop;
    }
    const std::string_view id = text.substr(pos, stop - pos);
    if (!plain || is_keyword(id)) return false;
    end = stop;
    out = Name{std::string(id), span_at(pos, stop)};
    return true;
  }
};

/// `ROOT.FIELD` written without blanks; the field may be any name, keywords included (`p.start`).
/// Returns false when no `word.` is here; a `word.` without a field is an error.
inline bool scan_path(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, Path& out) {
  const std::size_t root_end = lexer::word_end(text, pos);
  if (root_end == pos || root_end >= text.size() || text[root_end] != '.') return false;
  const std::string_view root = text.substr(pos, root_end - pos);
  if (root == "rule" || root == "param") return false;
  const std::size_t field_begin = root_end + 1;
  const std::size_t field_end = lexer::word_end(text, field_begin);
  if (field_end == field_begin) {
    fail(state, {field_begin, std::max(field_begin + 1, lexer::token_end(text, field_begin)),
                 "expected a field name after '" + std::string(root) + ".'"});
  }
  end = field_end;
  out = Path{Name{std::string(root), span_at(pos, root_end)},
             Name{std::string(text.substr(field_begin, field_end - field_begin)), span_at(field_begin, field_end)},
             span_at(pos, field_end)};
  return true;
}

struct path_parser : token<path_parser, Path> {
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, Path& out) const {
    return scan_path(state, text, pos, end, out);
  }
};

/// COLLECTION: a kind (`suspensions`) or a date-list field (`rt.reviews`).
struct collection_parser : token<collection_parser, CollectionSource> {
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, CollectionSource& out) const {
    Path path;
    if (scan_path(state, text, pos, end, path)) {
      out = CollectionSource{std::move(path.root), std::move(path.field), path.span};
      return true;
    }
    Name kind;
    if (!name_parser{NameKind::vocabulary, ""}.scan(state, text, pos, end, kind)) return false;
    out = CollectionSource{kind, std::nullopt, kind.span};
    return true;
  }
};

/// A literal (number, percent, date, duration, string, true, false), or only a date.
struct literal_parser : token<literal_parser, Literal> {
  bool dates_only;
  std::string_view what;
  constexpr literal_parser(bool d, std::string_view w) : dates_only(d), what(w) {}
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, Literal& out) const {
    lexer::Scanned scanned;
    if (!dates_only && (lexer::word_at(text, pos, "true") || lexer::word_at(text, pos, "false"))) {
      const bool value = text[pos] == 't';
      scanned.found = true;
      scanned.end = pos + (value ? 4 : 5);
      scanned.value = value;
    } else if (!dates_only && pos < text.size() && text[pos] == '"') {
      scanned = lexer::scan_string(text, pos);
    } else {
      scanned = lexer::scan_numeric(text, pos);
    }
    if (!found_here(state, scanned)) return false;
    if (dates_only && !std::holds_alternative<Date>(scanned.value)) return false;
    end = scanned.end;
    out = literal_at(scanned, text, pos);
    return true;
  }
};

/// A string whose braces are plain text (`cite`, parameter descriptions).
struct plain_string_parser : token<plain_string_parser, Literal> {
  std::string_view what;
  constexpr explicit plain_string_parser(std::string_view w) : what(w) {}
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, Literal& out) const {
    lexer::Scanned scanned = lexer::scan_string(text, pos);
    if (!found_here(state, scanned)) return false;
    end = scanned.end;
    out = literal_at(scanned, text, pos);
    return true;
  }
};

/// The whole number N of `suggest tier N`.
struct tier_number_parser : token<tier_number_parser, TierNumber> {
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, TierNumber& out) const {
    lexer::Scanned scanned = lexer::scan_numeric(text, pos);
    if (!found_here(state, scanned)) return false;
    const auto* number = std::get_if<Rational>(&scanned.value);
    if (number == nullptr || !number->is_whole()) return false;
    end = scanned.end;
    out = TierNumber{number->numerator(), span_at(pos, end)};
    return true;
  }
};

/// `N..M` after `in`, whole numbers only; its value is an InRange still without a subject.
struct range_parser : token<range_parser, ConditionPtr> {
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, ConditionPtr& out) const {
    lexer::Scanned low = lexer::scan_numeric(text, pos);
    if (!found_here(state, low)) return false;
    const auto* low_number = std::get_if<Rational>(&low.value);
    const std::size_t dots = lexer::skip_blank(text, low.end);
    if (low_number == nullptr || text.substr(dots, 2) != "..") return false;
    if (!low_number->is_whole()) fail(state, {pos, low.end, "a range 'N..M' takes whole numbers"});
    const std::size_t high_pos = lexer::skip_blank(text, dots + 2);
    lexer::Scanned high = lexer::scan_numeric(text, high_pos);
    if (high.problem) fail(state, std::move(*high.problem));
    const auto* high_number = high.found ? std::get_if<Rational>(&high.value) : nullptr;
    if (high_number == nullptr) {
      fail(state, {high_pos, std::max(high_pos + 1, lexer::token_end(text, high_pos)), "expected a whole number after '..'"});
    }
    if (!high_number->is_whole()) fail(state, {high_pos, high.end, "a range 'N..M' takes whole numbers"});
    end = high.end;
    out = condition_of(InRange{nullptr, literal_at(low, text, pos), literal_at(high, text, high_pos), span_at(pos, end)});
    return true;
  }
};

/// A whole number (N of `in last N terms`).
struct count_parser : token<count_parser, TierNumber> {
  std::string_view what;
  constexpr explicit count_parser(std::string_view w) : what(w) {}
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, TierNumber& out) const {
    lexer::Scanned scanned = lexer::scan_numeric(text, pos);
    if (!found_here(state, scanned)) return false;
    if (std::holds_alternative<Duration>(scanned.value)) {
      fail(state, {pos, scanned.end, "'in last' counts terms ('in last 2 terms'); for a duration write 'within last " +
                                         std::string(text.substr(pos, scanned.end - pos)) + "'"});
    }
    const auto* number = std::get_if<Rational>(&scanned.value);
    if (number == nullptr || !number->is_whole() || number->numerator() < 1) {
      fail(state, {pos, scanned.end, std::string("expected ") + std::string(what)});
    }
    end = scanned.end;
    out = TierNumber{number->numerator(), span_at(pos, end)};
    return true;
  }
};

/// An attendance code list `[N]`, `[C2, E]`, `[/, \, #]` (version 2). Scanned as one token because
/// `#` is a code here, not a comment; whether each code is in the vocabulary is the checker's question.
struct code_list_parser : token<code_list_parser, CodeList> {
  static bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, CodeList& out) const {
    if (pos >= text.size() || text[pos] != '[') return false;
    std::size_t i = pos + 1;
    const auto skip = [&] {
      while (i < text.size() && blank(text[i])) ++i;
    };
    for (;;) {
      skip();
      const std::size_t at = i;
      if (at < text.size() && text[at] >= 'A' && text[at] <= 'Z') {
        i = at + (at + 1 < text.size() && lexer::is_digit(text[at + 1]) ? 2 : 1);
      } else if (at < text.size() && text[at] != ',' && text[at] != ']' && text[at] != '[' && text[at] != '"' &&
                 static_cast<unsigned char>(text[at]) > ' ' && static_cast<unsigned char>(text[at]) < 0x7F &&
                 !lexer::is_word_start(text[at]) && !lexer::is_digit(text[at])) {
        i = at + 1;  // a symbol code: / \ # - ...
      } else {
        fail(state, {at, std::max(at + 1, lexer::token_end(text, at)),
                     out.codes.empty() && at < text.size() && text[at] == ']'
                         ? "a code list needs at least one attendance code, such as [N] or [C2, E]"
                         : "expected an attendance code (such as N, C2 or /) in the code list"});
      }
      out.codes.push_back(Name{std::string(text.substr(at, i - at)), span_at(at, i)});
      skip();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == ']') break;
      fail(state, {i, std::max(i + 1, lexer::token_end(text, i)), "expected ',' or ']' in the code list"});
    }
    end = i + 1;
    out.span = span_at(pos, end);
    return true;
  }
};

struct compare_parser : token<compare_parser, CompareToken> {
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, CompareToken& out) const {
    static constexpr std::pair<std::string_view, CompareOp> ops[] = {
        {"<=", CompareOp::le}, {">=", CompareOp::ge}, {"!=", CompareOp::ne},
        {"<", CompareOp::lt},  {">", CompareOp::gt},  {"=", CompareOp::eq}};
    for (const auto& [symbol, op] : ops) {
      if (text.substr(pos, symbol.size()) == symbol) {
        end = pos + symbol.size();
        out = CompareToken{op, span_at(pos, end)};
        return true;
      }
    }
    return false;
  }
};

struct arithmetic_parser : token<arithmetic_parser, ArithmeticToken> {
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, ArithmeticToken& out) const {
    if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
    end = pos + 1;
    out = ArithmeticToken{text[pos] == '+' ? ArithmeticOp::plus : ArithmeticOp::minus, span_at(pos, end)};
    return true;
  }
};

/// The word after `is` / `is not`: `none`, `set`, `active` or an enum value.
struct is_word_parser : token<is_word_parser, IsWord> {
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, IsWord& out) const {
    const std::size_t stop = lexer::word_end(text, pos);
    if (stop == pos) return false;
    const std::string_view word = text.substr(pos, stop - pos);
    if (lexer::is_structural_word(word)) return false;
    end = stop;
    out.span = span_at(pos, stop);
    if (word == "none") {
      out.kind = IsKind::none;
    } else if (word == "set") {
      out.kind = IsKind::set;
    } else if (word == "active") {
      out.kind = IsKind::active;
    } else {
      out.kind = IsKind::value;
      out.value = Name{std::string(word), out.span};
    }
    return true;
  }
};

/// Zero-width: the end of a declaration is the next `rule` or `param`, or the end of the file.
struct end_parser : token<end_parser, x3::unused_type, true> {
  std::string_view what;
  constexpr explicit end_parser(std::string_view w) : what(w) {}
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, x3::unused_type&) const {
    end = pos;
    return pos >= text.size() || lexer::word_at(text, pos, "rule") || lexer::word_at(text, pos, "param");
  }
};

/// Zero-width: a window starts here (language.md §5). `in` starts one only before `this`/`previous`.
struct window_start_parser : token<window_start_parser, x3::unused_type, true> {
  bool scan(ParseState&, std::string_view text, std::size_t pos, std::size_t& end, x3::unused_type&) const {
    end = pos;
    for (const std::string_view word : {"within", "after", "before", "between"}) {
      if (lexer::word_at(text, pos, word)) return true;
    }
    if (!lexer::word_at(text, pos, "in")) return false;
    const std::size_t next = lexer::skip_blank(text, pos + 2);
    // Version 2 adds `in last N terms` and `in term of X`.
    return lexer::word_at(text, next, "this") || lexer::word_at(text, next, "previous") ||
           lexer::word_at(text, next, "last") || lexer::word_at(text, next, "term");
  }
};

/// `in this ...` / `in previous ...` after an expression that takes no window is an error, not a
/// membership test (language.md §4).
struct misplaced_window_parser : token<misplaced_window_parser, x3::unused_type, true> {
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, x3::unused_type& out) const {
    if (!window_start_parser{}.scan(state, text, pos, end, out) || !lexer::word_at(text, pos, "in")) return false;
    const std::size_t next = lexer::skip_blank(text, pos + 2);
    fail(state, {pos, lexer::word_end(text, next),
                 "a window ('in this ...' or 'in previous ...') can only follow a collection or an attendance measure"});
  }
};

/// `about` after a `for each` variable is an error that says why, not "expected 'when'" (version 2).
struct misplaced_about_parser : token<misplaced_about_parser, x3::unused_type, true> {
  bool scan(ParseState& state, std::string_view text, std::size_t pos, std::size_t& end, x3::unused_type&) const {
    end = pos;
    if (!lexer::word_at(text, pos, "about")) return false;
    fail(state, {pos, pos + 5,
                 "'for each' takes no 'about': nothing is bound around it to be about; test the link inside the "
                 "rule ('some notification n about VAR', 'where (n is about VAR)')"});
  }
};

// ---------------------------------------------------------------------------------------------
// Directives that bound nesting (language.md §2: more than 100 levels is an error, never a crash)

/// Restores the nesting depth when its subject is done, whichever way it ends.
template <typename Subject>
struct scope_directive : x3::unary_parser<Subject, scope_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, scope_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr explicit scope_directive(Subject const& wrapped) : base_type(wrapped) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext, Attribute& attr) const {
    ParseState& state = state_of(context);
    struct Restore {
      ParseState& state;
      int depth;
      ~Restore() { state.depth = depth; }
    } restore{state, state.depth};
    return this->subject.parse(first, last, context, rcontext, attr);
  }
};

/// Makes a directive of its subject: `scope[p]`, `annotate[p]`, `counted(p)`.
template <template <typename> class Directive>
struct directive_generator {
  template <typename Subject>
  constexpr auto operator[](Subject const& subject) const {
    using parser = typename x3::extension::as_parser<Subject>::value_type;
    return Directive<parser>{x3::as_parser(subject)};
  }
  template <typename Subject>
  constexpr auto operator()(Subject const& subject) const {
    return (*this)[subject];
  }
};
inline constexpr directive_generator<scope_directive> scope{};

/// Opens one nesting level when its subject matches; the 101st is a syntax error at that token.
template <typename Subject>
struct counted_directive : x3::unary_parser<Subject, counted_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, counted_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr explicit counted_directive(Subject const& wrapped) : base_type(wrapped) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext, Attribute& attr) const {
    ParseState& state = state_of(context);
    const std::size_t pos = token_start(state, first, last, context).pos;
    if (!this->subject.parse(first, last, context, rcontext, attr)) return false;
    if (++state.depth > lexer::max_nesting) {
      fail(state, {pos, std::max(pos + 1, lexer::token_end(state.text, pos)),
                   "nested too deeply (more than " + std::to_string(lexer::max_nesting) + " levels)"});
    }
    return true;
  }
};

inline constexpr directive_generator<counted_directive> counted{};

/// Gives the rule's value (`_val`) the source span of everything its subject matched, from the
/// first character of its first token to the end of its last one.
template <typename Subject>
struct annotate_directive : x3::unary_parser<Subject, annotate_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, annotate_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr explicit annotate_directive(Subject const& wrapped) : base_type(wrapped) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext, Attribute& attr) const {
    const ParseState& state = state_of(context);
    const std::size_t begin = token_start(state, first, last, context).pos;
    if (!this->subject.parse(first, last, context, rcontext, attr)) return false;
    rcontext.span = span_at(begin, static_cast<std::size_t>(first - state.base()));
    return true;
  }
};

inline constexpr directive_generator<annotate_directive> annotate{};

/// Names what its subject expects in messages, whatever it is made of: version 2 added words after
/// `unauthorised` and `sessions`, and version 1's messages ("expected 'absence' after 'unauthorised'")
/// stay as they were.
template <typename Subject>
struct named_directive : x3::unary_parser<Subject, named_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, named_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  std::string_view name;
  constexpr named_directive(Subject const& wrapped, std::string_view n) : base_type(wrapped), name(n) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext, Attribute& attr) const {
    return this->subject.parse(first, last, context, rcontext, attr);
  }
};

template <typename Subject>
constexpr auto named(std::string_view name, Subject const& subject) {
  using parser = typename x3::extension::as_parser<Subject>::value_type;
  return named_directive<parser>{x3::as_parser(subject), name};
}

}  // namespace waymark::dsl::grammar

// What the token parsers expect, for messages.
namespace boost::spirit::x3 {
#define WAYMARK_INFO(type, text)                                                   \
  template <>                                                                      \
  struct get_info<waymark::dsl::grammar::type> {                                   \
    using result_type = std::string;                                               \
    std::string operator()([[maybe_unused]] waymark::dsl::grammar::type const& p) const { return text; } \
  };
WAYMARK_INFO(keyword_parser, "'" + std::string(p.word) + "'")
WAYMARK_INFO(punct_parser, "'" + std::string(p.symbol) + "'")
WAYMARK_INFO(name_parser, std::string(p.what))
WAYMARK_INFO(literal_parser, std::string(p.what))
WAYMARK_INFO(plain_string_parser, std::string(p.what))
WAYMARK_INFO(end_parser, std::string(p.what))
WAYMARK_INFO(rule_id_parser, "a rule id")
WAYMARK_INFO(path_parser, "a path")
WAYMARK_INFO(collection_parser, "a kind or a date list")
WAYMARK_INFO(tier_number_parser, "a tier number (a whole number)")
WAYMARK_INFO(range_parser, "a range 'N..M'")
WAYMARK_INFO(compare_parser, "a comparison")
WAYMARK_INFO(count_parser, std::string(p.what))
WAYMARK_INFO(code_list_parser, "a code list such as [N] or [C2, E]")
WAYMARK_INFO(arithmetic_parser, "'+' or '-'")
WAYMARK_INFO(is_word_parser, "'none', 'set', 'active' or a value")
WAYMARK_INFO(window_start_parser, "a window")
WAYMARK_INFO(misplaced_window_parser, "a window")
WAYMARK_INFO(misplaced_about_parser, "a window")
#undef WAYMARK_INFO
template <typename Subject>
struct get_info<waymark::dsl::grammar::scope_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(waymark::dsl::grammar::scope_directive<Subject> const& p) const { return what(p.subject); }
};
template <typename Subject>
struct get_info<waymark::dsl::grammar::annotate_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(waymark::dsl::grammar::annotate_directive<Subject> const& p) const { return what(p.subject); }
};
template <typename Subject>
struct get_info<waymark::dsl::grammar::named_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(waymark::dsl::grammar::named_directive<Subject> const& p) const { return std::string(p.name); }
};
template <typename Subject>
struct get_info<waymark::dsl::grammar::counted_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(waymark::dsl::grammar::counted_directive<Subject> const& p) const { return what(p.subject); }
};
}  // namespace boost::spirit::x3
