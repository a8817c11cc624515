#pragma once
// Private to the store: reading a run's header and a flag's row, shared by the Store's own calls and
// the server's queries (roster.cpp), so both read a stored row the same way.

#include <optional>

#include "sqlite.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store::detail {

/// The columns read_run_header expects, in order.
extern const char* const run_header_columns;
RunRecord read_run_header(Statement& s);
std::optional<RunRecord> load_run_header(Connection& c, std::int64_t run);

/// The columns read_flag expects, in order (`id` first).
extern const char* const flag_columns;
/// The flag columns after `id` read back into a Flag; false when a column does not parse (an edit).
bool read_flag(Statement& s, engine::Flag& f);

}  // namespace waymark::store::detail
