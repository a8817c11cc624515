#pragma once
// Private to the store: what an open Store holds, and the guard that turns a database failure inside
// any Store call into one diagnostic naming the file (rolling the transaction back on the way out).

#include <memory>
#include <exception>
#include <new>
#include <optional>
#include <string>

#include "chain.hpp"
#include "flag_packing.hpp"
#include "sqlite.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

struct Store::State {
  std::string path;
  OpenOptions options;
  std::unique_ptr<detail::Connection> connection;
  std::unique_ptr<detail::Connection> sessions;  // the server's sessions: a file of their own (users.cpp)
};

namespace detail {

/// The program version recorded with every import and run.
const char* waymark_version();

/// A path in single quotes, for messages.
std::string quoted(const std::string& path);

/// A write after tampering still links to the recorded head; warns that the chain is broken.
void warn_if_broken(const ChainWriter& chain, const std::string& path, dsl::Diagnostics& diagnostics);

/// Throws the SqlError for a stored value that does not parse (an edit outside waymark).
[[noreturn]] void damaged(const std::string& path, const std::string& what);

/// The run columns `read_run_header` reads, in its order.
inline constexpr const char* run_header_columns =
    "id, as_of, pack_name, pack_version, pack_digest, input_digest, selection, pupils, flags, due, started, finished, "
    "waymark_version";
/// A run's header from a row of `run_header_columns` (runs.cpp).
RunRecord read_run_header(Statement& s);
/// A stored run's header row, or nullopt when there is no such run (runs.cpp).
std::optional<RunRecord> load_run_header(Connection& c, std::int64_t run);

/// Reads stored flags, whichever way each was stored: its texts in their own columns (schema 3 and
/// before) or packed (flag_packing.hpp).
class FlagReader {
public:
  explicit FlagReader(Connection& connection);
  /// `SELECT` of the columns read() reads, then `where`: id, run_id, pupil_id, position, rule, title,
  /// category, severity, tier, evidence, actions, notify, cite, explanation, packed, bound_item.
  std::string select(std::string_view where) const;
  /// The flag's columns after id, pupil_id and position; false when one does not read back (an
  /// edit outside waymark), `f` then holding what did.
  bool read(const Statement& s, engine::Flag& f);

private:
  FlagUnpacker unpacker_;
  bool packed_column_;  // schema 4 and later
};

/// Runs `body` with `connection`'s activity set for messages; a SqlError becomes a diagnostic.
/// `writes`: add the note that nothing was stored (the transaction rolled back).
template <class Body>
auto guarded(Connection& connection, dsl::Diagnostics& diagnostics, const char* activity, bool writes, Body&& body)
    -> decltype(body()) {
  try {
    connection.set_activity(activity);
    return body();
  } catch (const SqlError& e) {
    dsl::Diagnostic d;
    d.code = e.code();
    d.message = e.what();
    if (writes) d.notes.push_back("nothing from this command was stored: the database is as it was before");
    diagnostics.add(std::move(d));
  } catch (const std::bad_alloc&) {
    diagnostics.error({}, "out-of-memory",
                      std::string("cannot ") + activity + " '" + connection.path() + "': out of memory" +
                          (writes ? "; nothing was stored" : ""));
  } catch (const std::exception&) {
    // A bug, or stored data damaged in a way no check foresaw: fail the command, never crash. The
    // exception's text is not shown: a parser's message may quote the data, and that is pupil data.
    diagnostics.error({}, "internal-error",
                      std::string("cannot ") + activity + " '" + connection.path() + "': internal error" +
                          (writes ? "; nothing was stored" : "") + "; run 'waymark audit verify'");
  }
  return std::nullopt;
}

/// The same on the store's own connection.
template <class Body>
auto guarded(Store::State& state, dsl::Diagnostics& diagnostics, const char* activity, bool writes, Body&& body)
    -> decltype(body()) {
  return guarded(*state.connection, diagnostics, activity, writes, std::forward<Body>(body));
}

}  // namespace detail
}  // namespace waymark::store
