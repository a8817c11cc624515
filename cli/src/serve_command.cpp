// `waymark serve --db FILE --pack PACK [--listen HOST:PORT] [--cert PEM --key PEM] [--redact]`
// (server.md): wires the pack to the server. The pack is prepared once, before listening, so a
// broken pack stops the command at once; `POST /api/runs` then runs it like `waymark run --db`.

#include <iostream>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "output.hpp"
#include "pack_context.hpp"
#include "pipeline.hpp"
#include "store_input.hpp"
#include "waymark/server/serve.hpp"

namespace waymark::cli {

namespace {

struct ServeCommandOptions {
  std::string db;
  std::string pack;
  std::string listen = "127.0.0.1:8080";
  std::string cert;
  std::string key;
  std::string origin;
  std::string assets;
  bool redact = false;
  int threads = 64;
  int idle = 1800;
};

// `HOST:PORT`, `[v6]:PORT`; nothing for anything else.
std::optional<std::pair<std::string, int>> parse_listen(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() || text.size() - colon > 6) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  for (std::size_t i = colon + 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    port = port * 10 + (text[i] - '0');
  }
  if (port > 65535 || host.empty()) return std::nullopt;
  return std::make_pair(host, port);
}

// The pack prepared for every run the server starts (a run at a time: the server serialises them).
// An adapter until the engine's own `prepare` lands: it is what `waymark run --db` does today.
server::RunPack pack_runner(std::shared_ptr<engine::PreparedPack> ready, std::string db) {
  return [ready, db](dsl::Date as_of, const server::RunProgress& progress,
                     dsl::Diagnostics& diagnostics) -> std::optional<std::int64_t> {
    const std::string started = store::now_utc();
    auto input = read_store_input(db, store::OpenMode::write, ready->pack.vocabulary, {}, diagnostics);
    if (!input) return std::nullopt;
    engine::Caseload caseload = std::move(input->stored.caseload);
    engine::EvaluateOptions evaluate;
    evaluate.as_of = as_of;
    evaluate.progress = progress;
    auto run = engine::evaluate(*ready->compiled, caseload, evaluate, diagnostics);
    if (!run) return std::nullopt;
    const auto saved = input->store->save_run(*run, input->stored, std::nullopt, started, diagnostics);
    if (!saved) return std::nullopt;
    return saved->run.id;
  };
}

int run_serve(const ServeCommandOptions& options) {
  dsl::Diagnostics diagnostics;
  auto sources = std::make_shared<dsl::SourceSet>();
  const auto listen = parse_listen(options.listen);
  if (!listen) diagnostics.error({}, "usage", "--listen needs HOST:PORT (127.0.0.1:8080), not '" + options.listen + "'");
  if (options.threads < 2 || options.threads > 1024) diagnostics.error({}, "usage", "--threads is 2 to 1024");
  if (options.idle < 1) diagnostics.error({}, "usage", "--idle-timeout is a number of seconds, 1 or more");
  if (diagnostics.has_errors()) {
    print_diagnostics(std::cerr, diagnostics, *sources, false);
    return exit_usage;
  }
  std::shared_ptr<engine::PreparedPack> ready(engine::prepare_pack({options.pack}, *sources, diagnostics).release());
  if (!ready) {
    print_diagnostics(std::cerr, diagnostics, *sources, false);
    return exit_input;
  }
  server::ServeOptions serve;
  serve.db = options.db;
  serve.host = listen->first;
  serve.port = listen->second;
  serve.cert = options.cert;
  serve.key = options.key;
  serve.origin = options.origin;
  serve.redact = options.redact;
  serve.threads = options.threads;
  serve.idle_seconds = options.idle;
  serve.assets = options.assets;
  // The sources stay alive with the pack: its explanations point into them.
  serve.run_pack = [runner = pack_runner(ready, options.db), sources](dsl::Date as_of, const server::RunProgress& p,
                                                                      dsl::Diagnostics& d) { return runner(as_of, p, d); };
  serve.pages = pack_context(ready, sources);
  const bool ok = server::serve(serve, std::cout, std::cerr, diagnostics);
  if (!diagnostics.empty()) print_diagnostics(std::cerr, diagnostics, *sources, false);
  if (ok) return exit_ok;
  for (const dsl::Diagnostic& d : diagnostics.all()) {
    if (d.code == "usage") return exit_usage;
  }
  return exit_input;
}

}  // namespace

Action add_serve_command(CLI::App& app) {
  auto options = std::make_shared<ServeCommandOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the database to SENCOs, LA officers and auditors (web pages and a JSON API)");
  cmd->footer(
      "Example:\n  waymark serve --db la.db --pack hertfordshire\n"
      "  waymark serve --db la.db --pack kent --listen 0.0.0.0:8443 --cert server.pem --key server.key\n\n"
      "Add users first with 'waymark user add'. Without --cert/--key, serve only on loopback and put a\n"
      "TLS reverse proxy in front (docs/server.md). Stops on SIGTERM or Ctrl-C after finishing requests.\n\n"
      "Exit codes: 0 stopped cleanly, 2 wrong usage, 3 the pack, database or address could not be used.");
  cmd->add_option("--db", options->db, "The database file")->required();
  cmd->add_option("--pack", options->pack, "The pack runs use: a folder path or a name (kent)")->required();
  cmd->add_option("--listen", options->listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free port)");
  cmd->add_option("--cert", options->cert, "TLS certificate chain (PEM); with --key, serve HTTPS only");
  cmd->add_option("--key", options->key, "TLS private key (PEM)");
  cmd->add_option("--origin", options->origin,
                  "The public origin behind a reverse proxy (https://waymark.example.gov.uk): POSTs from others are refused");
  cmd->add_option("--assets", options->assets, "The folder of page assets served under /assets/");
  cmd->add_option("--threads", options->threads, "Connections served at once (default 64)");
  cmd->add_option("--idle-timeout", options->idle, "Seconds of inactivity that end a session (default 1800)");
  cmd->add_flag("--redact", options->redact, "Serve every page and answer redacted (no acknowledgement notes)");
  return [options, cmd]() -> int { return cmd->parsed() ? run_serve(*options) : -1; };
}

}  // namespace waymark::cli
