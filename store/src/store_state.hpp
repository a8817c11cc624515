#pragma once
// Private to the store: what an open Store holds, and the guard that turns a database failure inside
// any Store call into one diagnostic naming the file (rolling the transaction back on the way out).

#include <memory>
#include <exception>
#include <new>
#include <optional>
#include <string>

#include "sqlite.hpp"
#include "waymark/store/store.hpp"

namespace waymark::store {

struct Store::State {
  std::string path;
  OpenOptions options;
  std::unique_ptr<detail::Connection> connection;
};

namespace detail {

/// The program version recorded with every import and run.
const char* waymark_version();

/// Runs `body` with the connection's activity set for messages; a SqlError becomes a diagnostic.
/// `writes`: add the note that nothing was stored (the transaction rolled back).
template <class Body>
auto guarded(Store::State& state, dsl::Diagnostics& diagnostics, const char* activity, bool writes, Body&& body)
    -> decltype(body()) {
  try {
    state.connection->set_activity(activity);
    return body();
  } catch (const SqlError& e) {
    dsl::Diagnostic d;
    d.code = e.code();
    d.message = e.what();
    if (writes) d.notes.push_back("nothing from this command was stored: the database is as it was before");
    diagnostics.add(std::move(d));
  } catch (const std::bad_alloc&) {
    diagnostics.error({}, "out-of-memory",
                      std::string("cannot ") + activity + " '" + state.path + "': out of memory" +
                          (writes ? "; nothing was stored" : ""));
  } catch (const std::exception&) {
    // A bug, or stored data damaged in a way no check foresaw: fail the command, never crash. The
    // exception's text is not shown: a parser's message may quote the data, and that is pupil data.
    diagnostics.error({}, "internal-error",
                      std::string("cannot ") + activity + " '" + state.path + "': internal error" +
                          (writes ? "; nothing was stored" : "") + "; run 'waymark audit verify'");
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace waymark::store
