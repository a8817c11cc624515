#pragma once
// The definitions of the `.wmk` grammar (language.md §2-4). Included only by grammar.cpp.
//
// Shape: tokens are small hand-written X3 parsers over lexer.hpp (so that lexical errors such as an
// unterminated string or an impossible date are reported at the exact token), the structure is X3
// rules, and every rule builds its value in semantic actions that call lower.hpp. Every recursive
// construct passes `scope[counted(...)]`, which counts nesting levels and stops at 100 with a
// syntax error (language.md §2) before the stack can overflow. No alternative re-parses a nested
// construct: parenthesised groups are parsed once and classified afterwards (Operand), so parsing
// stays linear.
//
// Rule names are what users read: "expected a duration after 'within'".

#include "grammar_tokens.hpp"

namespace waymark::dsl::grammar {

// ---------------------------------------------------------------------------------------------
// Rule identities

struct expr_class;
struct arith_tail_class;
struct primary_class;
struct paren_class;
struct current_tier_class;
struct age_of_class;
struct age_operand_class;
struct aggregate_class;
struct measure_class;
struct quantified_class;
struct binding_class;
struct window_class;
struct within_rest_class;
struct around_class;
struct period_class;
struct duration_class;
struct date_expr_class;
struct value_expr_class;
struct filter_class;
struct about_clause_class;
struct about_target_class;
struct term_date_class;
struct term_choice_class;
struct about_test_class;
struct is_choice_class;
struct condition_class;
struct or_tail_class;
struct and_chain_class;
struct and_tail_class;
struct not_chain_class;
struct atom_class;
struct exists_class;
struct simple_class;
struct suffix_class;
struct compare_tail_class;
struct is_tail_class;
struct in_tail_class;
struct membership_class;
struct in_list_class;
struct list_item_class;
struct age_test_class;
struct declaration_body_class;
struct param_class;
struct param_tail_class;
struct rule_class;
struct category_clause_class;
struct severity_clause_class;
struct severity_level_class;
struct for_each_class;
struct when_class;
struct unless_class;
struct after_when_class;
struct after_unless_class;
struct actions_class;
struct action_class;
struct rule_end_class;
struct suggest_class;
struct suggest_body_class;
struct notify_class;
struct cite_class;

/// The declaration rule's identity carries the syntax-error handler (the classic X3 `on_error`).
struct declaration_class {
  template <typename Iterator, typename Exception, typename Context>
  x3::error_handler_result on_error(Iterator&, Iterator const&, Exception const& failure, Context const& context) const {
    ParseState& state = state_of(context);
    report_expectation(state, static_cast<std::size_t>(failure.where() - state.base()), failure.which());
    return x3::error_handler_result::fail;
  }
};

// ---------------------------------------------------------------------------------------------
// Rules

x3::rule<expr_class, Operand> const expr = "an expression";
x3::rule<arith_tail_class, ArithmeticTail> const arith_tail = "'+' or '-'";
x3::rule<primary_class, Operand> const primary = "an expression";
x3::rule<paren_class, Operand> const paren = "'('";
x3::rule<current_tier_class, CurrentTier> const current_tier = "'current tier'";
x3::rule<age_of_class, AgeOf> const age_of = "'age of'";
x3::rule<age_operand_class, Operand> const age_operand = "a path, a variable, 'today', a date or a parenthesised expression";
x3::rule<aggregate_class, Aggregate> const aggregate = "an aggregate";
x3::rule<measure_class, Measure> const measure = "an attendance measure";
x3::rule<quantified_class, Quantified> const quantified = "a kind or a date list";
x3::rule<binding_class, Quantified> const binding = "a kind";
x3::rule<window_class, Window> const window = "a window";
x3::rule<within_rest_class, Window> const within_rest = "a duration";
x3::rule<around_class, Window> const around = "'after' or 'before'";
x3::rule<period_class, bool> const period = "'term' or 'academic year'";
x3::rule<duration_class, ExprPtr> const duration = "a duration";
x3::rule<date_expr_class, ExprPtr> const date_expr = "a date";
x3::rule<value_expr_class, ExprPtr> const value_expr = "an expression";
x3::rule<filter_class, ConditionPtr> const filter = "a path, an 'is' test or a parenthesised condition";
x3::rule<about_clause_class, AboutClause> const about_clause = "'about'";
x3::rule<about_target_class, ExprPtr> const about_target = "a variable (the record that this one is about)";
x3::rule<term_date_class, TermDate> const term_date = "'start of' or 'end of'";
x3::rule<term_choice_class, TermDate> const term_choice = "'this term', 'previous term' or 'term of'";
x3::rule<about_test_class, IsWord> const about_test = "'about'";
// Named as version 1's `is` word, so that its messages stay as they were.
x3::rule<is_choice_class, IsWord> const is_choice = "'none', 'set', 'active' or a value";

x3::rule<condition_class, ConditionPtr> const condition = "a condition";
x3::rule<or_tail_class, LogicTail> const or_tail = "'or'";
x3::rule<and_chain_class, ConditionPtr> const and_chain = "a condition";
x3::rule<and_tail_class, LogicTail> const and_tail = "'and'";
x3::rule<not_chain_class, NotChain> const not_chain = "a condition";
x3::rule<atom_class, ConditionPtr> const atom = "a condition";
x3::rule<exists_class, Exists> const exists = "'some' or 'no'";
x3::rule<simple_class, Atom> const simple = "a condition";
x3::rule<suffix_class, ConditionPtr> const suffix = "a comparison";
x3::rule<compare_tail_class, ConditionPtr> const compare_tail = "a comparison";
x3::rule<is_tail_class, IsTest> const is_tail = "'is'";
x3::rule<in_tail_class, ConditionPtr> const in_tail = "'in'";
x3::rule<membership_class, ConditionPtr> const membership = "a list '[...]' or a range 'N..M'";
x3::rule<in_list_class, InList> const in_list = "'['";
x3::rule<list_item_class, ListItem> const list_item = "a value";
x3::rule<age_test_class, AgeTest> const age_test = "'older than' or 'within last'";

declaration_type const declaration_rule = "a declaration";
x3::rule<declaration_body_class, Declaration> const declaration_body = "'rule' or 'param'";
x3::rule<param_class, Param> const param_decl = "'param'";
x3::rule<param_tail_class, std::optional<Literal>> const param_tail =
    "a description (a string), or a new 'rule' or 'param'";
x3::rule<rule_class, Rule> const rule_decl = "'rule'";
x3::rule<category_clause_class, Name> const category_clause = "'category'";
x3::rule<severity_clause_class, SeverityClause> const severity_clause = "'severity'";
x3::rule<severity_level_class, SeverityClause> const severity_level = "'low', 'medium', 'high' or 'urgent'";
x3::rule<for_each_class, ForEach> const for_each_clause = "'for each'";
x3::rule<when_class, Clause> const when_clause = "'when'";
x3::rule<unless_class, Clause> const unless_clause = "'unless'";
x3::rule<after_when_class, RuleTail> const after_when = "'and', 'or', 'unless' or an action ('suggest' or 'notify')";
x3::rule<after_unless_class, RuleTail> const after_unless = "'and', 'or' or an action ('suggest' or 'notify')";
x3::rule<actions_class, RuleTail> const actions = "an action ('suggest' or 'notify')";
x3::rule<action_class, Action> const action = "an action ('suggest' or 'notify')";
x3::rule<rule_end_class, std::optional<Literal>> const rule_end = "another action, 'cite', or a new 'rule' or 'param'";
x3::rule<suggest_class, Suggest> const suggest = "'suggest'";
x3::rule<suggest_body_class, Suggest> const suggest_body = "'tier' or the text of the suggestion (a string)";
x3::rule<notify_class, Notify> const notify = "'notify'";
x3::rule<cite_class, Literal> const cite_clause = "'cite'";

/// A text with `{expr}` interpolations (rule titles and `suggest` texts, language.md §2 and §6).
/// Each interpolation is parsed with the expression rule over its braces' contents.
struct text_parser : x3::parser<text_parser> {
  using attribute_type = Text;
  static bool const has_attribute = true;
  std::string_view what;
  constexpr explicit text_parser(std::string_view w) : what(w) {}

  template <typename Iterator, typename Context, typename RContext, typename Target>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext&, Target& target) const {
    ParseState& state = state_of(context);
    const auto [text, pos] = token_start(state, first, last, context);
    lexer::ScannedText scanned = lexer::scan_text(text, pos);
    if (!found_here(state, scanned)) return false;
    Text out;
    out.source = std::string(text.substr(pos, scanned.end - pos));
    out.span = span_at(pos, scanned.end);
    for (lexer::TextPiece& piece : scanned.pieces) {
      TextPart part;
      part.span = span_at(piece.begin, piece.end);
      if (piece.interpolation) {
        part.expr = interpolation(state, context, text, piece.begin + 1, piece.end - 1);
      } else {
        part.text = std::move(piece.text);
      }
      out.parts.push_back(std::move(part));
    }
    first = state.base() + scanned.end;
    assign(target, std::move(out));
    return true;
  }

  template <typename Context>
  ExprPtr interpolation(ParseState& state, Context const& context, std::string_view text, std::size_t begin,
                        std::size_t close) const {
    struct Restore {
      ParseState& state;
      int depth;
      ~Restore() { state.depth = depth; }
    } restore{state, state.depth};
    if (++state.depth > lexer::max_nesting) {
      fail(state, {begin - 1, begin, "nested too deeply (more than " + std::to_string(lexer::max_nesting) + " levels)"});
    }
    // A `#` here is not a comment (we are inside a string), and not part of any expression.
    const std::size_t hash = text.find('#', begin);
    if (hash < close) fail(state, {hash, hash + 1, "a '#' cannot appear in an interpolation"});
    const std::string_view inside = text.substr(0, close);
    const std::size_t start = lexer::skip_blank(inside, begin);
    iterator_type it = state.base() + begin;
    Operand value;
    if (!expr.parse(it, state.base() + close, context, x3::unused, value)) {
      fail(state, {start, start == close ? close + 1 : lexer::token_end(inside, start), "expected an expression after '{'"});
    }
    const std::size_t rest = lexer::skip_blank(inside, static_cast<std::size_t>(it - state.base()));
    if (rest != close) {
      fail(state, {rest, lexer::token_end(inside, rest),
                   "expected '}' after '" + lexer::previous_token(text, rest, *state.comments) + "'"});
    }
    try {
      return as_expression(std::move(value));
    } catch (SyntaxError& e) {
      fail(state, std::move(e.problem));
    }
  }
};

}  // namespace waymark::dsl::grammar

namespace boost::spirit::x3 {
template <>
struct get_info<waymark::dsl::grammar::text_parser> {
  using result_type = std::string;
  std::string operator()(waymark::dsl::grammar::text_parser const& p) const { return std::string(p.what); }
};
}  // namespace boost::spirit::x3

namespace waymark::dsl::grammar {

// The tokens, named by what their positions expect.
inline constexpr name_parser variable_name{NameKind::identifier, "a variable"};
inline constexpr name_parser parameter_name{NameKind::identifier, "a parameter name"};
inline constexpr name_parser name_reference{NameKind::identifier, "a name"};
inline constexpr name_parser kind_name{NameKind::vocabulary, "a kind"};
inline constexpr name_parser field_name{NameKind::vocabulary, "a field"};
inline constexpr name_parser role_name{NameKind::vocabulary, "a role"};
inline constexpr name_parser category_name{NameKind::vocabulary, "a category"};
inline constexpr name_parser filter_subject{NameKind::vocabulary, "a variable"};
inline constexpr name_parser enum_value{NameKind::vocabulary, "a value"};
inline constexpr rule_id_parser rule_id{};
inline constexpr path_parser path{};
inline constexpr collection_parser collection{};
inline constexpr literal_parser literal{false, "a value"};
inline constexpr literal_parser parameter_value{false, "a value (a number, percent, date, duration, string, true or false)"};
inline constexpr literal_parser date_literal{true, "a date"};
inline constexpr plain_string_parser description{"a description (a string)"};
inline constexpr plain_string_parser cite_text{"the source in the guidance (a string)"};
inline constexpr text_parser title_text{"a title (a string)"};
inline constexpr text_parser suggest_text{"the text of the suggestion (a string)"};
inline constexpr tier_number_parser tier_number{};
inline constexpr range_parser range{};
inline constexpr compare_parser compare_op{};
inline constexpr arithmetic_parser arithmetic_op{};
inline constexpr is_word_parser is_word{};
inline constexpr count_parser term_count{"a whole number of terms (1 or more)"};
inline constexpr code_list_parser code_list{};
inline constexpr end_parser end_of_declaration{"a new 'rule' or 'param'"};
inline constexpr window_start_parser window_start{};
inline constexpr misplaced_window_parser misplaced_window{};
inline constexpr misplaced_about_parser misplaced_about{};

// ---------------------------------------------------------------------------------------------
// Expressions (language.md §4)

inline auto const take = [](auto& value, auto& attribute) { value = std::move(attribute); };
inline auto const wrap = [](Operand& value, auto& node) { value = operand_of(Expr{std::move(node)}); };
inline auto const to_expression = [](ExprPtr& value, Operand& operand) { value = as_expression(std::move(operand)); };

auto const expr_def = scope[primary[act(take)] >> *arith_tail[act([](Operand& value, ArithmeticTail& tail) {
  value = make_arithmetic(std::move(value), std::move(tail));
})]];

// Each operator of a chain nests its left operand one level deeper in the tree, so it counts.
auto const arith_tail_def = counted(arithmetic_op)[act([](ArithmeticTail& value, ArithmeticToken& op) {
  value.op = op.op;
  value.operator_span = op.span;
})] > primary[act([](ArithmeticTail& value, Operand& rhs) { value.rhs = std::move(rhs); })];

auto const today = kw("today")[act([](Operand& value, Span& at) { value = operand_of(Expr{Today{at}}); })];
auto const name_ref =
    name_reference[act([](Operand& value, Name& name) { value = operand_of(Expr{NameRef{std::move(name)}}); })];

// Paths first: a path's root may be any word (`pupil.age`, `tier.level`), keywords included.
auto const primary_def = path[act(wrap)] | today | current_tier[act(wrap)] | age_of[act(wrap)] |
                         aggregate[act(wrap)] | measure[act(wrap)] | term_date[act(wrap)] | paren[act(take)] |
                         literal[act(wrap)] | name_ref;

// Version 2: `start of this term`, `end of previous term`, `start of term of X`. `end` is no keyword,
// so nothing is decided until `of` follows.
auto const term_date_body =
    ((kw("start")[act([](TermDate& value, Span&) { value.bound = TermBound::start; })] |
      kw("end")[act([](TermDate& value, Span&) { value.bound = TermBound::end; })]) >>
     kw("of")) > term_choice[act([](TermDate& value, TermDate& choice) {
      value.term = choice.term;
      value.of = std::move(choice.of);
    })];
auto const term_date_def = annotate[term_date_body];

auto const term_choice_def =
    (kw("this")[act([](TermDate& value, Span&) { value.term = TermChoice::this_term; })] > kw("term")) |
    (kw("previous")[act([](TermDate& value, Span&) { value.term = TermChoice::previous_term; })] > kw("term")) |
    (kw("term")[act([](TermDate& value, Span&) { value.term = TermChoice::term_of; })] > kw("of") >
     age_operand[act([](TermDate& value, Operand& x) { value.of = as_expression(std::move(x)); })]);

auto const paren_def = scope[counted(punct("("))[act([](Operand& value, Span& open) { value.span = open; })] >
                             condition[act([](Operand& value, ConditionPtr& inner) { value.group = std::move(inner); })] >
                             punct(")")[act([](Operand& value, Span& close) { value.span.end = close.end; })]];

auto const current_tier_body = (kw("current") > kw("tier")) >>
                              -kw("start")[act([](CurrentTier& value, Span&) { value.start = true; })];
auto const current_tier_def = annotate[current_tier_body];

// language.md §4: `age of` takes a path, a variable, `today`, a date or a parenthesised expression.
auto const age_of_body = scope[counted(kw("age")) > kw("of") >
                              age_operand[act([](AgeOf& value, Operand& operand) {
                                value.operand = as_expression(std::move(operand));
                              })]];
auto const age_of_def = annotate[age_of_body];

auto const age_operand_def = path[act(wrap)] | today | date_literal[act(wrap)] | paren[act(take)] | name_ref;

inline auto set_aggregate(AggregateOp op) {
  return act([op](Aggregate& value, Span&) { value.op = op; });
}
auto const over = act([](Aggregate& value, Quantified& q) { value.over = std::move(q); });

auto const aggregate_body =
    (kw("count")[set_aggregate(AggregateOp::count)] > kw("of") > quantified[over]) |
    ((kw("total")[set_aggregate(AggregateOp::total)] | kw("max")[set_aggregate(AggregateOp::max)] |
      kw("min")[set_aggregate(AggregateOp::min)]) >
     field_name[act([](Aggregate& value, Name& field) { value.field = std::move(field); })] > kw("of") >
     quantified[over]);
auto const aggregate_def = annotate[aggregate_body];

inline auto set_measure(MeasureKind kind) {
  return act([kind](Measure& value, auto&) { value.kind = kind; });
}
auto const set_codes = act([](Measure& value, CodeList& list) {
  value.codes = std::move(list.codes);
  value.codes_span = list.span;
});
// Version 2: `absence excluding [C2, E]` leaves those sessions out as not possible.
auto const excluding = kw("excluding")[act([](Measure& value, Span&) { value.excluding = true; })] > code_list[set_codes];

// language.md §4: fixed phrases are tried before their prefixes; §7: streaks take no window.
// Version 2 adds the measures by code; `first`, `possible` and `days` are no keywords, so those
// phrases commit only once their second word is there.
auto const measure_body =
    ((kw("unauthorised") >
      named("'absence'", (kw("absence")[set_measure(MeasureKind::unauthorised_absence)] >>
                          -(kw("streak")[set_measure(MeasureKind::unauthorised_absence_streak)] | excluding)) |
                             kw("sessions")[set_measure(MeasureKind::unauthorised_sessions)])) |
     (kw("absence")[set_measure(MeasureKind::absence)] >>
      -(kw("streak")[set_measure(MeasureKind::absence_streak)] | excluding)) |
     (kw("sessions") > named("'missed'", (kw("missed")[set_measure(MeasureKind::sessions_missed)] >> -excluding) |
                                             (kw("coded")[set_measure(MeasureKind::sessions_coded)] > code_list[set_codes]))) |
     ((kw("days") >> kw("coded"))[set_measure(MeasureKind::days_coded)] > code_list[set_codes]) |
     ((kw("first") >> kw("day") >> kw("coded"))[set_measure(MeasureKind::first_day_coded)] > code_list[set_codes]) |
     ((kw("last") >> kw("day") >> kw("coded"))[set_measure(MeasureKind::last_day_coded)] > code_list[set_codes]) |
     ((kw("possible") >> kw("sessions"))[set_measure(MeasureKind::possible_sessions)] >> -excluding) |
     (kw("attendance")[set_measure(MeasureKind::attendance)] >> -excluding)) >>
    -window[act([](Measure& value, Window& w, ParseState& state) {
      if (value.kind == MeasureKind::absence_streak || value.kind == MeasureKind::unauthorised_absence_streak) {
        fail(state, {w.span.begin, w.span.end, "a streak takes no window: it always ends at the latest school day"});
      }
      value.window = std::move(w);
    })];
auto const measure_def = annotate[measure_body];

auto const set_window = act([](Quantified& value, Window& w) { value.window = std::move(w); });
auto const set_filter = act([](Quantified& value, ConditionPtr& f) { value.filter = std::move(f); });

auto const quantified_body = collection[act([](Quantified& value, CollectionSource& source) {
  value.source = std::move(source);
})] >> -variable_name[act([](Quantified& value, Name& name) { value.variable = std::move(name); })] >>
                            -about_clause[act([](Quantified& value, AboutClause& about) {
                              value.about_span = about.keyword;
                              value.about = std::move(about.target);
                            })] >>
                            -window[set_window] >> -(kw("where") > filter[set_filter]);

// Version 2 (case-records.md §2.1): `about X`, X a bound variable.
auto const about_clause_def = kw("about")[act([](AboutClause& value, Span& at) { value.keyword = at; })] >
                              about_target[act([](AboutClause& value, ExprPtr& x) { value.target = std::move(x); })];
auto const about_target_def =
    name_reference[act([](ExprPtr& value, Name& name) { value = std::make_unique<Expr>(Expr{NameRef{std::move(name)}}); })];
auto const quantified_def = annotate[quantified_body];

// `for each KIND VAR [WINDOW] [where FILTER]`: the variable is required.
auto const binding_body =
    kind_name[act([](Quantified& value, Name& kind) { value.source = CollectionSource{kind, std::nullopt, kind.span}; })] >
    (variable_name[act([](Quantified& value, Name& name) { value.variable = std::move(name); })] >> -misplaced_about >> -window[set_window] >>
     -(kw("where") > filter[set_filter]));
auto const binding_def = annotate[binding_body];

inline auto set_window_kind(WindowKind kind) {
  return act([kind](Window& value, Span&) { value.kind = kind; });
}

auto const window_body =
    scope[counted(window_start) >>
          ((kw("within") > within_rest[act(take)]) |
           (kw("after")[set_window_kind(WindowKind::after)] >
            date_expr[act([](Window& value, ExprPtr& t) { value.first = std::move(t); })]) |
           (kw("before")[set_window_kind(WindowKind::before)] >
            date_expr[act([](Window& value, ExprPtr& t) { value.first = std::move(t); })]) |
           // language.md §4: the first `and` after A belongs to `between`.
           (kw("between")[set_window_kind(WindowKind::between)] >
            date_expr[act([](Window& value, ExprPtr& a) { value.first = std::move(a); })] > kw("and") >
            date_expr[act([](Window& value, ExprPtr& b) { value.second = std::move(b); })]) |
           ((kw("in") >> (kw("this")[set_window_kind(WindowKind::this_term)] |
                          kw("previous")[set_window_kind(WindowKind::previous_term)])) >
            period[act([](Window& value, bool academic_year) {
              if (!academic_year) return;
              value.kind = value.kind == WindowKind::this_term ? WindowKind::this_academic_year
                                                               : WindowKind::previous_academic_year;
            })]) |
           // Version 2: `in last N terms` and `in term of X`.
           ((kw("in") >> kw("last")[set_window_kind(WindowKind::last_terms)]) >
            term_count[act([](Window& value, TierNumber& n) {
              value.terms = n.value;
              value.terms_span = n.span;
            })] > (kw("terms") | kw("term"))) |
           ((kw("in") >> kw("term")[set_window_kind(WindowKind::term_of)]) > kw("of") >
            date_expr[act([](Window& value, ExprPtr& x) { value.first = std::move(x); })])) ];
auto const window_def = annotate[window_body];

auto const within_rest_def =
    (kw("last")[set_window_kind(WindowKind::within_last)] >
     duration[act([](Window& value, ExprPtr& d) { value.duration = std::move(d); })]) |
    (duration[act([](Window& value, ExprPtr& d) { value.duration = std::move(d); })] >
     around[act([](Window& value, Window& tail) {
       value.kind = tail.kind;
       value.first = std::move(tail.first);
     })]);

auto const around_def = (kw("after")[set_window_kind(WindowKind::within_after)] |
                         kw("before")[set_window_kind(WindowKind::within_before)]) >
                        date_expr[act([](Window& value, ExprPtr& t) { value.first = std::move(t); })];

auto const period_def = kw("term")[act([](bool& value, Span&) { value = false; })] |
                        (kw("academic")[act([](bool& value, Span&) { value = true; })] > kw("year"));

auto const duration_def = primary[act(to_expression)];
auto const date_expr_def = expr[act(to_expression)];
auto const value_expr_def = expr[act(to_expression)];

// language.md §4: `where` takes a path, an `is` test on a path or a variable, or a parenthesised
// condition, and nothing else.
auto const retest = act([](ConditionPtr& value, IsTest& test) {
  ExprPtr subject = std::move(std::get<Truth>(value->node).value);
  value = with_subject(condition_of(std::move(test)), std::move(subject));
});
auto const filter_def =
    paren[act([](ConditionPtr& value, Operand& group) { value = parenthesised_condition(std::move(group)); })] |
    (path[act([](ConditionPtr& value, Path& p) {
       const Span span = p.span;
       value = condition_of(Truth{std::make_unique<Expr>(Expr{std::move(p)}), span});
     })] >>
     -is_tail[retest]) |
    (filter_subject[act([](ConditionPtr& value, Name& name) {
       const Span span = name.span;
       value = condition_of(Truth{std::make_unique<Expr>(Expr{NameRef{std::move(name)}}), span});
     })] >>
     is_tail[retest]);

// ---------------------------------------------------------------------------------------------
// Conditions (language.md §4): or < and < not < atoms

auto const condition_def = and_chain[act(take)] >> *or_tail[act([](ConditionPtr& value, LogicTail& tail) {
  value = make_logical(std::move(value), LogicOp::or_, std::move(tail));
})];

auto const or_tail_def = kw("or")[act([](LogicTail& value, Span& at) { value.keyword = at; })] >
                         and_chain[act([](LogicTail& value, ConditionPtr& c) { value.operand = std::move(c); })];

auto const and_chain_def =
    not_chain[act([](ConditionPtr& value, NotChain& chain) { value = make_not(std::move(chain)); })] >>
    *and_tail[act([](ConditionPtr& value, LogicTail& tail) {
      value = make_logical(std::move(value), LogicOp::and_, std::move(tail));
    })];

auto const and_tail_def = kw("and")[act([](LogicTail& value, Span& at) { value.keyword = at; })] >
                          not_chain[act([](LogicTail& value, NotChain& chain) { value.operand = make_not(std::move(chain)); })];

auto const push_not = act([](NotChain& value, Span& at) { value.nots.push_back(at); });
auto const set_operand = act([](NotChain& value, ConditionPtr& c) { value.operand = std::move(c); });

auto const not_chain_def = scope[((counted(kw("not"))[push_not] >> *counted(kw("not"))[push_not]) > atom[set_operand]) |
                                 atom[set_operand]];

auto const atom_def = exists[act([](ConditionPtr& value, Exists& e) { value = condition_of(std::move(e)); })] |
                      simple[act([](ConditionPtr& value, Atom& a) { value = make_atom(std::move(a)); })];

auto const exists_body = (kw("some")[act([](Exists& value, Span&) { value.some = true; })] |
                         kw("no")[act([](Exists& value, Span&) { value.some = false; })]) >
                        quantified[act([](Exists& value, Quantified& q) { value.over = std::move(q); })];
auto const exists_def = annotate[exists_body];

auto const simple_def = expr[act([](Atom& value, Operand& subject) { value.subject = std::move(subject); })] >>
                        -suffix[act([](Atom& value, ConditionPtr& s) { value.suffix = std::move(s); })];

auto const suffix_def = compare_tail[act(take)] |
                        is_tail[act([](ConditionPtr& value, IsTest& test) { value = condition_of(std::move(test)); })] |
                        misplaced_window | in_tail[act(take)] |
                        age_test[act([](ConditionPtr& value, AgeTest& test) { value = condition_of(std::move(test)); })];

auto const compare_tail_def =
    compare_op[act([](ConditionPtr& value, CompareToken& op) {
      value = condition_of(Comparison{op.op, nullptr, nullptr, op.span, op.span});
    })] >
    value_expr[act([](ConditionPtr& value, ExprPtr& rhs) {
      auto& comparison = std::get<Comparison>(value->node);
      comparison.span.end = span_of(*rhs).end;
      comparison.rhs = std::move(rhs);
    })];

auto const is_tail_def = (kw("is")[act([](IsTest& value, Span& at) { value.span = at; })] >>
                          -kw("not")[act([](IsTest& value, Span&) { value.negated = true; })]) >
                         is_choice[act([](IsTest& value, IsWord& word) {
                           value.kind = word.kind;
                           value.value = std::move(word.value);
                           value.about = std::move(word.about);
                           value.keyword_span = word.span;
                           value.span.end = word.kind == IsKind::about ? word.end.end : word.span.end;
                         })];

auto const is_choice_def = about_test[act(take)] | is_word[act(take)];

// Version 2: `VAR is [not] about X`.
auto const about_test_def = kw("about")[act([](IsWord& value, Span& at) {
  value.kind = IsKind::about;
  value.span = at;
})] > about_target[act([](IsWord& value, ExprPtr& x) {
  value.end = span_of(*x);
  value.about = std::move(x);
})];

auto const in_tail_def = kw("in") > membership[act(take)];

auto const membership_def =
    in_list[act([](ConditionPtr& value, InList& list) { value = condition_of(std::move(list)); })] | range[act(take)];

auto const push_item = act([](InList& value, ListItem& item) { value.items.push_back(std::move(item)); });
auto const in_list_def = punct("[")[act([](InList& value, Span& open) { value.span = open; })] >
                         (list_item[push_item] >> *(punct(",") > list_item[push_item])) >
                         punct("]")[act([](InList& value, Span& close) { value.span.end = close.end; })];

auto const list_item_def = literal[act([](ListItem& value, Literal& l) { value = std::move(l); })] |
                           enum_value[act([](ListItem& value, Name& n) { value = std::move(n); })];

auto const set_age_duration = act([](AgeTest& value, ExprPtr& d) {
  value.span.end = span_of(*d).end;
  value.duration = std::move(d);
});
auto const age_test_def =
    (kw("older")[act([](AgeTest& value, Span& at) { value.older = true; value.span = at; })] > kw("than") >
     duration[set_age_duration]) |
    (kw("within")[act([](AgeTest& value, Span& at) { value.older = false; value.span = at; })] > kw("last") >
     duration[set_age_duration]);

// ---------------------------------------------------------------------------------------------
// Declarations (language.md §3)

auto const declaration_rule_def = x3::eps > declaration_body[act(take)];

auto const declaration_body_def = rule_decl[act([](Declaration& value, Rule& r) { value = std::move(r); })] |
                                  param_decl[act([](Declaration& value, Param& p) { value = std::move(p); })];

auto const param_decl_body = kw("param") > parameter_name[act([](Param& value, Name& n) { value.name = std::move(n); })] >
                            punct("=") > parameter_value[act([](Param& value, Literal& l) { value.value = std::move(l); })] >
                            param_tail[act([](Param& value, std::optional<Literal>& d) { value.description = std::move(d); })];
auto const param_decl_def = annotate[param_decl_body];

auto const param_tail_def =
    (description[act([](std::optional<Literal>& value, Literal& d) { value = std::move(d); })] > end_of_declaration) |
    end_of_declaration;

auto const rule_decl_body =
    ((kw("rule")[act([](Rule&, Span&, ParseState& state) {
       state.phase = ClausePhase::title;
       state.in_rule = true;
     })] >
     rule_id[act([](Rule& value, Name& id) { value.id = std::move(id); })] >
     title_text[act([](Rule& value, Text& t) { value.title = std::move(t); })]) >>
    -category_clause[act([](Rule& value, Name& c) { value.category = std::move(c); })] >>
    -severity_clause[act([](Rule& value, SeverityClause& s) { value.severity = s; })] >>
    -for_each_clause[act([](Rule& value, ForEach& f) { value.for_each = std::move(f); })]) >
    when_clause[act([](Rule& value, Clause& c) {
      value.when = std::move(c.condition);
      value.when_span = c.keyword;
    })] >
    after_when[act([](Rule& value, RuleTail& tail) {
      if (tail.unless) {
        value.unless = std::move(tail.unless->condition);
        value.unless_span = tail.unless->keyword;
      }
      value.actions = std::move(tail.actions);
      value.cite = std::move(tail.cite);
    })];
auto const rule_decl_def = annotate[rule_decl_body];

auto const category_clause_def = kw("category") > category_name[act([](Name& value, Name& n, ParseState& state) {
                                   value = std::move(n);
                                   state.phase = ClausePhase::category;
                                 })];

auto const severity_clause_def = kw("severity") > severity_level[act([](SeverityClause& value, SeverityClause& s,
                                                                         ParseState& state) {
                                   value = s;
                                   state.phase = ClausePhase::severity;
                                 })];

inline auto set_severity(SeverityLevel level) {
  return act([level](SeverityClause& value, Span& at) {
    value.level = level;
    value.span = at;
  });
}
auto const severity_level_def =
    kw("low")[set_severity(SeverityLevel::low)] | kw("medium")[set_severity(SeverityLevel::medium)] |
    kw("high")[set_severity(SeverityLevel::high)] | kw("urgent")[set_severity(SeverityLevel::urgent)];

auto const for_each_clause_body = kw("for") > kw("each") >
                                 binding[act([](ForEach& value, Quantified& q, ParseState& state) {
                                   value.binding = std::move(q);
                                   state.phase = ClausePhase::for_each;
                                 })];
auto const for_each_clause_def = annotate[for_each_clause_body];

auto const when_clause_def = kw("when")[act([](Clause& value, Span& at) { value.keyword = at; })] >
                             condition[act([](Clause& value, ConditionPtr& c) { value.condition = std::move(c); })];

auto const unless_clause_def = kw("unless")[act([](Clause& value, Span& at) { value.keyword = at; })] >
                               condition[act([](Clause& value, ConditionPtr& c) { value.condition = std::move(c); })];

auto const after_when_def =
    (unless_clause[act([](RuleTail& value, Clause& c) { value.unless = std::move(c); })] >
     after_unless[act([](RuleTail& value, RuleTail& rest) {
       value.actions = std::move(rest.actions);
       value.cite = std::move(rest.cite);
     })]) |
    actions[act(take)];

auto const after_unless_def = actions[act(take)];

// language.md §3: at least one action, kept in written order, then an optional `cite`.
auto const actions_def = +action[act([](RuleTail& value, Action& a) { value.actions.push_back(std::move(a)); })] >
                         rule_end[act([](RuleTail& value, std::optional<Literal>& c) { value.cite = std::move(c); })];

auto const action_def = suggest[act([](Action& value, Suggest& s) { value = std::move(s); })] |
                        notify[act([](Action& value, Notify& n) { value = std::move(n); })];

auto const rule_end_def =
    (cite_clause[act([](std::optional<Literal>& value, Literal& c) { value = std::move(c); })] > end_of_declaration) |
    end_of_declaration;

auto const suggest_whole = kw("suggest") > suggest_body[act(take)];
auto const suggest_def = annotate[suggest_whole];

auto const set_suggest_text = act([](Suggest& value, Text& t) { value.text = std::move(t); });
auto const suggest_body_def = (kw("tier") > tier_number[act([](Suggest& value, TierNumber& n) {
                                 value.tier = n.value;
                                 value.tier_span = n.span;
                               })] > suggest_text[set_suggest_text]) |
                              suggest_text[set_suggest_text];

auto const notify_body = kw("notify") > role_name[act([](Notify& value, Name& role) { value.role = std::move(role); })];
auto const notify_def = annotate[notify_body];

auto const cite_clause_def = kw("cite") > cite_text[act(take)];

BOOST_SPIRIT_DEFINE(expr, arith_tail, primary, paren, current_tier, age_of, age_operand, aggregate, measure, quantified,
                    binding, window, within_rest, around, period, duration, date_expr, value_expr, filter)
BOOST_SPIRIT_DEFINE(about_clause, about_target, term_date, term_choice, about_test, is_choice)
BOOST_SPIRIT_DEFINE(condition, or_tail, and_chain, and_tail, not_chain, atom, exists, simple, suffix, compare_tail,
                    is_tail, in_tail, membership, in_list, list_item, age_test)
BOOST_SPIRIT_DEFINE(declaration_rule, declaration_body, param_decl, param_tail, rule_decl, category_clause,
                    severity_clause, severity_level, for_each_clause, when_clause, unless_clause, after_when,
                    after_unless, actions, action, rule_end, suggest, suggest_body, notify, cite_clause)

inline declaration_type const& declaration() { return declaration_rule; }

}  // namespace waymark::dsl::grammar

