// The grammar's only translation unit: it compiles the X3 rules once (house style) and offers
// parse_declaration(), a plain function, to parse.cpp.

#include "grammar_def.hpp"

namespace waymark::dsl::grammar {

BOOST_SPIRIT_INSTANTIATE(declaration_type, iterator_type, context_type)

bool parse_declaration(ParseState& state, std::size_t& pos, Declaration& out) {
  iterator_type first = state.base() + pos;
  iterator_type const last = state.base() + state.text.size();
  auto const skipping = x3::make_context<x3::skipper_tag>(skipper);
  context_type const context = x3::make_context<state_tag>(state, skipping);
  if (!declaration().parse(first, last, context, x3::unused, out)) return false;
  pos = static_cast<std::size_t>(first - state.base());
  return true;
}

}  // namespace waymark::dsl::grammar
