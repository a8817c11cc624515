#pragma once
// The `.wmk` grammar (language.md §2-4) in Boost.Spirit X3: the skipper, the parse context and the
// declaration rule. Definitions are in grammar_def.hpp; grammar.cpp is the only translation unit
// that includes either (house style: Spirit's compile cost is paid once, and stays in dsl/src).

#include <boost/spirit/home/x3.hpp>
#include <string_view>

#include "x3_ast.hpp"

namespace waymark::dsl::grammar {

namespace x3 = boost::spirit::x3;

/// Skips whitespace and `#` comments between tokens (language.md §2).
struct skipper_parser : x3::parser<skipper_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const&, RContext&, Attribute&) const {
    const std::string_view rest(first, static_cast<std::size_t>(last - first));
    const std::size_t skipped = lexer::skip_blank(rest, 0);
    first += skipped;
    return skipped > 0;
  }
};

inline constexpr skipper_parser skipper{};

/// The key under which every rule finds the ParseState in its context.
struct state_tag;

using iterator_type = const char*;
using context_type = x3::context<state_tag, ParseState, x3::context<x3::skipper_tag, skipper_parser const, x3::unused_type>>;

struct declaration_class;
using declaration_type = x3::rule<declaration_class, Declaration>;
BOOST_SPIRIT_DECLARE(declaration_type)

/// One `param` or `rule` declaration; its error handler turns expectation failures into the syntax error.
declaration_type const& declaration();

}  // namespace waymark::dsl::grammar
