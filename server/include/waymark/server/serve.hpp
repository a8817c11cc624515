#pragma once
// `waymark serve` (server.md): one LA's database served to SENCOs, LA officers and auditors over
// HTTP(S). The CLI parses options and wires the pack; this runs until SIGTERM or SIGINT.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "waymark/dsl/date.hpp"
#include "waymark/dsl/diagnostic.hpp"

namespace waymark::server {

namespace pages {
struct PackContext;  // the served pack as the pages need it (pack_context.hpp, issue 12)
}

/// How far a run of the pack over the stored caseload has gone.
using RunProgress = std::function<void(std::size_t done, std::size_t total)>;

/// Runs the served pack over the database's current caseload as of a date and stores the run
/// (like `waymark run --db`); the stored run's id, or nothing with diagnostics. Called off the
/// request threads, one at a time. The CLI provides it (the pack is prepared there).
using RunPack = std::function<std::optional<std::int64_t>(dsl::Date as_of, const RunProgress& progress,
                                                         dsl::Diagnostics& diagnostics)>;

struct ServeOptions {
  std::string db;
  std::string host = "127.0.0.1";  // server.md: loopback unless --listen says otherwise
  int port = 8080;                 // 0: any free port (the URL printed says which)
  std::string cert;                // PEM files: both or neither; with them the server speaks only HTTPS
  std::string key;
  std::string origin;              // the public origin behind a reverse proxy (https://waymark.example.gov.uk)
  bool redact = false;             // --redact: every page and answer redacted
  int threads = 64;                // the bounded pool: one thread per open connection
  int idle_seconds = 1800;         // a session ends after this long without a request
  std::string assets;              // the folder of page assets served under /assets/
  RunPack run_pack;
  std::shared_ptr<const pages::PackContext> pages;  // the pages (issue 12); absent: the JSON API alone                // `POST /api/runs`; absent: answers 503
};

/// Serves until SIGTERM or SIGINT, then finishes the requests in flight and returns 0. Prints the
/// URL to `out` once listening and one line per request to `log`; a failure to start is a
/// diagnostic and returns false.
bool serve(const ServeOptions& options, std::ostream& out, std::ostream& log, dsl::Diagnostics& diagnostics);

}  // namespace waymark::server
